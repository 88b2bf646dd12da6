namespace FashionCnn.Data;

/// <summary>
/// What <c>fashioncnn data</c> finds: where the data set is and how it was found, its kind and image shape, its parts,
/// the book's split of the train part, its classes, what was skipped, how long reading took, and for Fashion-MNIST
/// found by its folder each file's SHA-256 against the published release.
/// </summary>
public sealed record DataReport(
    string Location, string FoundBy, string Kind, ImageShape Shape, int TrainImages, int TrainingImages, int ValidationImages, double TestSize,
    int? TestImages, IReadOnlyList<string> ClassNames, SkippedFiles Skipped, double Seconds, bool FromCache,
    IReadOnlyList<DataFileCheck>? Checksums)
{
    /// <summary>Whether the files are what training and evaluation accept: every checksum matches (a --data set has none to check).</summary>
    public bool Accepted => Checksums is null || Checksums.All(c => c.ChecksumMatches);

    /// <summary>Reads the data set <paramref name="options"/> name: Fashion-MNIST's folder without checking its content first, or any --data set.</summary>
    public static DataReport Of(DataOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DataSources.RequireOptions(options);
        if (options.Path is null)
        {
            var location = DataDirectory.Locate(options.DataDir);
            var data = FashionMnist.Load(location.Directory, requirePublishedContent: false);
            var split = ValidationSplit.Create(data.Train.Count, options.ValidationSplit);
            return new DataReport(location.Directory, location.Source, "Fashion-MNIST IDX", data.Train.Shape, data.Train.Count,
                split.TrainIndices.Length, split.ValidationIndices.Length, options.ValidationSplit, data.Test.Count, FashionClasses.Names,
                SkippedFiles.None, clock.Elapsed.TotalSeconds, FromCache: false, data.Files);
        }
        var splits = BookSplits.Load(options);
        var parts = splits.Parts;
        return new DataReport(parts.Location, "--data", parts.Kind, parts.Shape, parts.Train.Count, splits.Train.Count, splits.Validation.Count,
            options.ValidationSplit, parts.Test?.Count, parts.ClassNames, parts.Skipped, clock.Elapsed.TotalSeconds, parts.FromCache, Checksums: null);
    }
}
