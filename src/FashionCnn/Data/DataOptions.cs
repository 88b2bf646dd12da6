namespace FashionCnn.Data;

/// <summary>Images decoded so far, for a progress bar; reported only when decoding takes more than a second.</summary>
public sealed record DecodeProgress(int Done, int Total, TimeSpan Elapsed);

/// <summary>Which data set a verb reads and how its images are made: the options every data-reading verb shares.</summary>
public sealed record DataOptions
{
    /// <summary>--data: an IDX folder, a CSV file or folder, or a folder of class folders (see <see cref="DataSources"/>).</summary>
    public string? Path { get; init; }

    /// <summary>--data-dir: the Fashion-MNIST folder as before; null to look it up (see <see cref="DataDirectory"/>).</summary>
    public string? DataDir { get; init; }

    /// <summary>--image-size: null for the data's own size (required when its images differ).</summary>
    public ImageSize? ImageSize { get; init; }

    /// <summary>--color-mode: null for grayscale when every image is grey, else rgb.</summary>
    public ColorMode? ColorMode { get; init; }

    /// <summary>--class-names: the class order instead of the folders' ordinal order, or the names of numbered labels.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>--validation-split: the fraction of the train part that is <c>val</c> (Keras' validation_split, the book's 0.2).</summary>
    public double ValidationSplit { get; init; } = Data.ValidationSplit.BookFraction;

    /// <summary>--strict: refuse an image that does not decode instead of skipping it.</summary>
    public bool Strict { get; init; }

    /// <summary>--max-memory in bytes: the largest decoded set accepted; null for half the machine's memory.</summary>
    public long? MaxMemory { get; init; }

    /// <summary>Where decoded image folders are kept; null for $FASHIONCNN_CACHE, else $XDG_CACHE_HOME/fashioncnn or ~/.cache/fashioncnn.</summary>
    public string? CacheDir { get; init; }

    public IProgress<DecodeProgress>? Progress { get; init; }

    /// <summary>Half the memory the machine (or its container) offers: what --max-memory allows by default.</summary>
    public long MaxMemoryBytes => MaxMemory ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
}
