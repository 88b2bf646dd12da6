using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>How one of the four files checked out against the published Fashion-MNIST release.</summary>
public sealed record DataFileCheck(string FileName, string Path, string Sha256, bool ChecksumMatches);

/// <summary>The Fashion-MNIST training (60,000) and test (10,000) sets, read and checked from IDX files.</summary>
public sealed record FashionMnist(string Directory, LabeledImages Train, LabeledImages Test, IReadOnlyList<DataFileCheck> Files)
{
    public const string TrainImagesFile = "train-images-idx3-ubyte";
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";
    public const string TestImagesFile = "t10k-images-idx3-ubyte";
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>SHA-256 of each decompressed file of Zalando's release (also in data/fashion-mnist/README.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> PublishedSha256 = new Dictionary<string, string>
    {
        [TrainImagesFile] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        [TrainLabelsFile] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        [TestImagesFile] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        [TestLabelsFile] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    };

    public static readonly IReadOnlyList<string> FileNames = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    /// <summary>How errors name a data file: it comes from --data-dir, $FASHIONCNN_DATA or a default folder.</summary>
    public const string DataFileOption = "data file";

    /// <summary>
    /// Reads the four files from <paramref name="directory"/> (each as <c>name</c> or <c>name.gz</c>) and checks
    /// shapes, counts, label range and, when <paramref name="requirePublishedContent"/> is set, that the content
    /// is byte for byte Zalando's release.
    /// </summary>
    public static FashionMnist Load(string directory, bool requirePublishedContent = true, bool anyShape = false)
    {
        var checks = new List<DataFileCheck>();
        LabeledImages ReadSet(string imagesFile, string labelsFile)
        {
            IdxArray images = IdxFile.Read(FindFile(directory, imagesFile), IdxFile.ImageMagic);
            IdxArray labels = IdxFile.Read(FindFile(directory, labelsFile), IdxFile.LabelMagic);
            foreach (var array in new[] { images, labels })
            {
                string name = System.IO.Path.GetFileName(array.Path);
                bool matches = PublishedSha256[name.Replace(".gz", "")] == array.Sha256;
                if (requirePublishedContent && !matches)
                    throw new FashionCnnException(
                        $"{name}: content differs from the published Fashion-MNIST file (SHA-256 {array.Sha256}); the file is corrupt or not Fashion-MNIST.");
                checks.Add(new DataFileCheck(name, array.Path, array.Sha256, matches));
            }
            return Validate(images, labels, anyShape);
        }

        var train = ReadSet(TrainImagesFile, TrainLabelsFile);
        var test = ReadSet(TestImagesFile, TestLabelsFile);
        return new FashionMnist(directory, train, test, checks);
    }

    /// <summary>
    /// Pairs an image array with a label array after checking that they describe one data set: 28×28 images and labels
    /// 0–9, or with <paramref name="anyShape"/> any size and any label (another IDX set, whose classes are checked later).
    /// </summary>
    public static LabeledImages Validate(IdxArray images, IdxArray labels, bool anyShape = false)
    {
        string imagesName = System.IO.Path.GetFileName(images.Path), labelsName = System.IO.Path.GetFileName(labels.Path);
        if (anyShape && (images.Shape[1] < 1 || images.Shape[2] < 1))
            throw new FashionCnnException($"{imagesName}: images are {images.Shape[1]}×{images.Shape[2]}, which holds no pixel.");
        if (!anyShape && (images.Shape[1] != LabeledImages.Height || images.Shape[2] != LabeledImages.Width))
            throw new FashionCnnException(
                $"{imagesName}: images are {images.Shape[1]}×{images.Shape[2]}, expected {LabeledImages.Height}×{LabeledImages.Width}.");
        if (images.Shape[0] != labels.Shape[0])
            throw new FashionCnnException(
                $"{labelsName}: {labels.Shape[0]} labels for the {images.Shape[0]} images of {imagesName}.");
        int bad = anyShape ? -1 : Array.FindIndex(labels.Data, label => label >= FashionClasses.Count);
        if (bad >= 0)
            throw new FashionCnnException(
                $"{labelsName}: label {labels.Data[bad]} at index {bad} is outside 0–{FashionClasses.Count - 1}.");
        return new LabeledImages(images.Data, labels.Data, new ImageShape(images.Shape[1], images.Shape[2], 1));
    }

    /// <summary>The file as <c>name</c> or <c>name.gz</c>; whatever stands there must be a regular file (a pipe would block the read forever).</summary>
    private static string FindFile(string directory, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string path = System.IO.Path.Combine(directory, candidate);
            if (FileKinds.Of(path) != FileKind.Missing) return InputFiles.Require(path, DataFileOption).FullName;
        }
        throw new FashionCnnException($"{name}: neither {name} nor {name}.gz is in {directory}.");
    }
}
