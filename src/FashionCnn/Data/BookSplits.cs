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
        "train = the book's 48,000 training images (the train part less val), val = its 12,000 validation images "
        + "(train_test_split(test_size=--validation-split, random_state=42) over the train part), "
        + "test = the 10,000 test images (the test part), train-input = the 60,000 training images in file order (the book's train_input)";

    /// <summary>The split as the command line spells it: train, val, test, train-input.</summary>
    public static string Name(this DataSplit split) => split switch
    {
        DataSplit.Train => "train",
        DataSplit.Val => "val",
        DataSplit.Test => "test",
        DataSplit.TrainInput => "train-input",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
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
/// A data set as the book uses Fashion-MNIST: the train part split into training and validation by
/// <see cref="ValidationSplit"/> (48,000 / 12,000 for Fashion-MNIST), and the test part when the data has one.
/// </summary>
public sealed record BookSplits(DataParts Parts, LabeledImages Train, LabeledImages Validation)
{
    /// <summary>The test part; a data set without one is refused in one line saying how to give one.</summary>
    public LabeledImages Test => Parts.Test ?? throw new FashionCnnException(
        $"--split test: {Parts.Location} has no test part; give one as PATH/test/<class>/ beside PATH/train/<class>/, "
        + "a *test*.csv beside the *train*.csv, or the t10k- IDX files.");

    public IReadOnlyList<string> ClassNames => Parts.ClassNames;

    public ImageShape Shape => Parts.Shape;

    /// <summary>Finds, reads and checks the data (see <see cref="DataSources"/>), and splits its train part as the book does.</summary>
    public static BookSplits Load(DataOptions options)
    {
        if (Shared.Value?.GetValueOrDefault(options) is { } loaded) return loaded;
        DataSources.RequireOptions(options);
        var parts = DataSources.Read(options);
        if (parts.Train.Count < 2)
            throw new FashionCnnException($"{parts.Location}: {parts.Train.Count} training image; the book's split needs at least two.");
        var (train, validation) = ValidationSplit.Apply(parts.Train, options.ValidationSplit);
        var splits = new BookSplits(parts, train, validation);
        Shared.Value?.TryAdd(options, splits);
        return splits;
    }

    private static readonly AsyncLocal<Dictionary<DataOptions, BookSplits>?> Shared = new();

    /// <summary>
    /// Until the returned scope ends, <see cref="Load"/> reads and checks the data of the same options once and hands
    /// the same splits to every later caller: the report runs evaluate, explain and visualize one after another, each of
    /// which loads the data (a third of a second each for Fashion-MNIST). Outside such a scope nothing is kept, so a
    /// training run frees its host copy.
    /// </summary>
    public static IDisposable ShareLoads()
    {
        var previous = Shared.Value;
        Shared.Value = previous ?? new Dictionary<DataOptions, BookSplits>();
        return new SharedScope(previous);
    }

    private sealed class SharedScope(Dictionary<DataOptions, BookSplits>? previous) : IDisposable
    {
        public void Dispose() => Shared.Value = previous;
    }

    public LabeledImages this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Val => Validation,
        DataSplit.Test => Test,
        DataSplit.TrainInput => Parts.Train,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>Image <paramref name="index"/> of <paramref name="split"/>; an index outside it is an error naming the valid range.</summary>
    public (byte[] Pixels, int Label) Image(DataSplit split, int index, string option)
    {
        var images = RequireIndex(split, index, option);
        return (images.Image(index).ToArray(), images.Labels[index]);
    }

    /// <summary>The images of <paramref name="split"/>, when <paramref name="index"/> names one of them; else one line naming <paramref name="option"/>.</summary>
    public LabeledImages RequireIndex(DataSplit split, int index, string option)
    {
        var images = this[split];
        if (index < 0 || index >= images.Count)
            throw new FashionCnnException($"{option} {index} is outside the {images.Count:N0} images of {split.Name()} (0–{images.Count - 1}).");
        return images;
    }

    /// <summary>What checkpoints record of the training images: the IDX file's SHA-256, the CSV file's, or a folder's key.</summary>
    public string TrainImagesSha256 => Parts.Fingerprint;
}
