using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

/// <summary>The real files in data/fashion-mnist, checked against facts published with the data set.</summary>
public class FashionMnistTests
{
    private static readonly Lazy<FashionMnist> Real = new(() => FashionMnist.Load(TestPaths.DataDirectory));

    [Fact]
    public void The_repository_copy_is_the_published_release()
    {
        var data = Real.Value;

        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.All(data.Files, file => Assert.True(file.ChecksumMatches, file.FileName));
    }

    [Fact]
    public void Every_class_has_6000_training_and_1000_test_images()
    {
        var data = Real.Value;

        Assert.All(data.Train.Labels.CountBy(l => l), pair => Assert.Equal(6000, pair.Value));
        Assert.All(data.Test.Labels.CountBy(l => l), pair => Assert.Equal(1000, pair.Value));
        Assert.Equal(10, data.Train.Labels.Distinct().Count());
    }

    [Fact]
    public void First_training_image_is_the_books_ankle_boot()
    {
        // The book's chapter 8-3 shows train_input[0], an ankle boot (label 9); its first labels are 9 0 0 3 0 2 7 2 5 5.
        Assert.Equal(new byte[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 }, Real.Value.Train.Labels[..10]);
    }

    [Fact]
    public void Altered_content_fails_the_checksum_with_the_file_named()
    {
        using var temp = new TempFolder();
        foreach (string name in FashionMnist.FileNames)
            File.Copy(Path.Combine(TestPaths.DataDirectory, name + ".gz"), temp.File(name + ".gz"));
        // Same shape and labels in range, one label changed: only the checksum can notice.
        byte[] labels = IdxFile.Read(temp.File("t10k-labels-idx1-ubyte.gz"), IdxFile.LabelMagic).Data;
        labels[0] = (byte)((labels[0] + 1) % 10);
        File.Delete(temp.File("t10k-labels-idx1-ubyte.gz"));
        IdxWriter.Write(temp.File("t10k-labels-idx1-ubyte"), IdxWriter.Bytes(0x0801, [labels.Length], labels));

        var error = Assert.Throws<FashionCnnException>(() => FashionMnist.Load(temp.Path));
        Assert.Contains("t10k-labels-idx1-ubyte: content differs", error.Message);

        var unchecked_ = FashionMnist.Load(temp.Path, requirePublishedContent: false);
        Assert.False(unchecked_.Files.Single(f => f.FileName == "t10k-labels-idx1-ubyte").ChecksumMatches);
    }

    [Fact]
    public void A_missing_file_is_named_with_the_folder()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<FashionCnnException>(() => FashionMnist.Load(temp.Path));
        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains(temp.Path, error.Message);
    }
}

public class BookSplitOfRealDataTests
{
    [Fact]
    public void First_validation_labels_match_numpy_indexing_of_the_real_labels()
    {
        // numpy: train_target[RandomState(42).permutation(60000)[:12000]][:10]; the book's first validation image is a bag (8).
        var data = FashionMnist.Load(TestPaths.DataDirectory);
        var (train, validation) = ValidationSplit.Apply(data.Train);

        Assert.Equal(new byte[] { 8, 8, 7, 4, 8, 4, 1, 0, 4, 5 }, validation.Labels[..10]);
        Assert.Equal(48_000, train.Count);
        Assert.Equal(data.Train.Image(12628).ToArray(), validation.Image(0).ToArray());
    }
}
