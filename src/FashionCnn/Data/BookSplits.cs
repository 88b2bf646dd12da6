namespace FashionCnn.Data;

/// <summary>
/// Which images a verb works on, with one meaning in every verb: the book's training part (48,000), its
/// validation part (12,000), the test set (10,000), or the 60,000 training images in file order as
/// <c>load_data()</c> returns them (the book's <c>train_input</c>, which chapter 8-3 draws from).
/// </summary>
public enum DataSplit { Train, Val, Test, TrainInput }

public static class DataSplitNames
{
    /// <summary>Every split as the command line spells it, in the order help lists them.</summary>
    public static readonly IReadOnlyList<string> All = ["train", "val", "test", "train-input"];

    /// <summary>What each name means, for help texts.</summary>
    public const string Help =
        "train = the book's 48,000 training images (after its split), val = its 12,000 validation images, "
        + "test = the 10,000 test images, train-input = the 60,000 training images in file order (the book's train_input)";

    /// <summary>The split as the command line spells it: train, val, test, train-input.</summary>
    public static string Name(this DataSplit split) => split switch
    {
        DataSplit.Train => "train",
        DataSplit.Val => "val",
        DataSplit.Test => "test",
        _ => "train-input",
    };

    /// <summary>Reads a split name in any case; anything else is an error listing the names.</summary>
    public static DataSplit Parse(string name) => name.ToLowerInvariant() switch
    {
        "train" => DataSplit.Train,
        "val" => DataSplit.Val,
        "test" => DataSplit.Test,
        "train-input" => DataSplit.TrainInput,
        _ => throw new FashionCnnException($"--split must be {string.Join(", ", All)} (got {name})."),
    };
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
        if (Shared.Value?.GetValueOrDefault(location.Directory) is { } loaded) return loaded;
        var data = FashionMnist.Load(location.Directory);
        var (train, validation) = ValidationSplit.Apply(data.Train);
        var splits = new BookSplits(location, data, train, validation);
        Shared.Value?.TryAdd(location.Directory, splits);
        return splits;
    }

    private static readonly AsyncLocal<Dictionary<string, BookSplits>?> Shared = new();

    /// <summary>
    /// Until the returned scope ends, <see cref="Load"/> reads and checks each data folder once and hands the same splits
    /// to every later caller: the report runs evaluate, explain and visualize one after another, each of which loads the
    /// data (a third of a second each). Outside such a scope nothing is kept, so a training run frees its host copy.
    /// </summary>
    public static IDisposable ShareLoads()
    {
        var previous = Shared.Value;
        Shared.Value = previous ?? new Dictionary<string, BookSplits>();
        return new SharedScope(previous);
    }

    private sealed class SharedScope(Dictionary<string, BookSplits>? previous) : IDisposable
    {
        public void Dispose() => Shared.Value = previous;
    }

    public LabeledImages this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Val => Validation,
        DataSplit.Test => Test,
        _ => Data.Train,
    };

    /// <summary>Image <paramref name="index"/> of <paramref name="split"/>; an index outside it is an error naming the valid range.</summary>
    public (byte[] Pixels, int Label) Image(DataSplit split, int index, string option)
    {
        var images = this[split];
        if (index < 0 || index >= images.Count)
            throw new FashionCnnException($"{option} {index} is outside the {images.Count:N0} images of {split.Name()} (0–{images.Count - 1}).");
        return (images.Image(index).ToArray(), images.Labels[index]);
    }

    /// <summary>SHA-256 of the training images' content, recorded in checkpoints.</summary>
    public string TrainImagesSha256 =>
        Data.Files.First(f => f.FileName.StartsWith(FashionMnist.TrainImagesFile, StringComparison.Ordinal)).Sha256;
}
