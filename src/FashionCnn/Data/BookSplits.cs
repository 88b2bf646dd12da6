namespace FashionCnn.Data;

/// <summary>Which images a verb works on: the book's training part, its validation part, or the test set.</summary>
public enum DataSplit { Train, Val, Test }

public static class DataSplitNames
{
    /// <summary>The split as the command line spells it: train, val, test.</summary>
    public static string Name(this DataSplit split) => split.ToString().ToLowerInvariant();
}

/// <summary>
/// Fashion-MNIST as the book uses it: the 60,000 training images split 48,000 / 12,000 by
/// <see cref="ValidationSplit"/>, and the 10,000 test images.
/// </summary>
public sealed record BookSplits(DataLocation Location, FashionMnist Data, LabeledImages Train, LabeledImages Validation)
{
    public LabeledImages Test => Data.Test;

    /// <summary>Finds, reads and checks the data (see <see cref="DataDirectory"/>), and splits it as the book does.</summary>
    public static BookSplits Load(string? dataDirOption)
    {
        var location = DataDirectory.Locate(dataDirOption);
        var data = FashionMnist.Load(location.Directory);
        var (train, validation) = ValidationSplit.Apply(data.Train);
        return new BookSplits(location, data, train, validation);
    }

    public LabeledImages this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Val => Validation,
        _ => Test,
    };

    /// <summary>SHA-256 of the training images' content, recorded in checkpoints.</summary>
    public string TrainImagesSha256 =>
        Data.Files.First(f => f.FileName.StartsWith(FashionMnist.TrainImagesFile, StringComparison.Ordinal)).Sha256;
}
