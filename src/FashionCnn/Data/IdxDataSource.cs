namespace FashionCnn.Data;

/// <summary>
/// A folder of the four IDX files (MNIST's layout, which Fashion-MNIST, KMNIST and EMNIST share): any image size,
/// any number of classes. Fashion-MNIST is recognised by its published checksums and keeps its class names; another
/// set's classes are named by a <c>classes.txt</c> beside the files (one name a line), or 0…K-1.
/// </summary>
public static class IdxDataSource
{
    public const string ClassesFile = "classes.txt";

    public static bool Holds(string directory) => DataDirectory.HasData(directory);

    public static DataParts Read(string directory, DataOptions options, bool requireFashionMnist)
    {
        var data = FashionMnist.Load(directory, requirePublishedContent: requireFashionMnist, anyShape: !requireFashionMnist);
        bool fashion = data.Files.All(f => f.ChecksumMatches);
        int labels = Math.Max(data.Train.Labels.DefaultIfEmpty().Max(), data.Test.Labels.DefaultIfEmpty().Max()) + 1;
        var names = options.ClassNames ?? (fashion ? FashionClasses.Names : ClassesTxt(directory) ?? Numbered(labels));
        RequireLabels(data.Train, names, FashionMnist.TrainLabelsFile);
        RequireLabels(data.Test, names, FashionMnist.TestLabelsFile);
        string fingerprint = data.Files.First(f => f.FileName.StartsWith(FashionMnist.TrainImagesFile, StringComparison.Ordinal)).Sha256;
        var target = Target(data.Train.Shape, options);
        return new DataParts(fashion ? "IDX (Fashion-MNIST)" : "IDX", directory, ImageResize.Convert(data.Train, target),
            ImageResize.Convert(data.Test, target), names, fingerprint, SkippedFiles.None);
    }

    /// <summary>The shape a set of one size is used at: its own unless --image-size or --color-mode says otherwise.</summary>
    public static ImageShape Target(ImageShape own, DataOptions options) => new(
        options.ImageSize?.Height ?? own.Height, options.ImageSize?.Width ?? own.Width, (options.ColorMode ?? own.ColorMode).Channels());

    public static IReadOnlyList<string> Numbered(int count) => Enumerable.Range(0, count).Select(i => i.ToString()).ToList();

    /// <summary>Every label must name a class; at least two classes.</summary>
    public static void RequireLabels(LabeledImages set, IReadOnlyList<string> names, string file)
    {
        if (names.Count < 2)
            throw new FashionCnnException($"{file}: a classifier needs at least two classes; the data has {names.Count}.");
        int bad = Array.FindIndex(set.Labels, label => label >= names.Count);
        if (bad >= 0)
            throw new FashionCnnException($"{file}: label {set.Labels[bad]} at index {bad} is outside the {names.Count} classes (0–{names.Count - 1}).");
    }

    private static IReadOnlyList<string>? ClassesTxt(string directory)
    {
        string path = Path.Combine(directory, ClassesFile);
        if (!File.Exists(path)) return null;
        var names = Files.InputFiles.ReadText(path, 1 << 20, ClassesFile).Split('\n').Select(l => l.Trim()).ToList();
        while (names.Count > 0 && names[^1] == "") names.RemoveAt(names.Count - 1);
        if (names.Any(n => n == ""))
            throw new FashionCnnException($"{path}: line {names.IndexOf("") + 1} is empty; {ClassesFile} holds one class name a line.");
        return names;
    }
}
