using FashionCnn.Data;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// Where a run's data came from and what it is: the folder, the checksum of the training images that checkpoints
/// record, its kind, its images' shape and its classes.
/// </summary>
public sealed record DataSummary(string Directory, string TrainImagesSha256, string Kind, ImageShape Shape, IReadOnlyList<string> ClassNames)
{
    public static DataSummary Of(BookSplits splits) =>
        new(splits.Parts.Location, splits.TrainImagesSha256, splits.Parts.Kind, splits.Shape, splits.ClassNames);
}

/// <summary>The book's training set, moved to the compute device once, and its validation set, which the classifier takes batch by batch.</summary>
public static class TrainingData
{
    /// <summary>
    /// The 48,000 (or the first <paramref name="limit"/>) training images on <paramref name="device"/> and the 12,000
    /// validation images. The other host copies are dropped before this returns and collected at once: about
    /// 90 MB of arrays a long run has no use for.
    /// </summary>
    public static (DeviceDataset Train, LabeledImages Validation, DataSummary Data) Load(DataOptions data, Device device, int? limit)
    {
        var result = Upload(BookSplits.Load(data), device, limit);
        ReleaseHostCopies();
        return result;
    }

    /// <summary>Collects the host copies once nothing refers to them any more.</summary>
    public static void ReleaseHostCopies() =>
        // Aggressive: also hand the freed pages back to the system, so they do not count as resident.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>The same from a data set already read (train reads it first, to shape the model after it).</summary>
    public static (DeviceDataset Train, LabeledImages Validation, DataSummary Data) Upload(BookSplits splits, Device device, int? limit)
    {
        var train = new DeviceDataset(limit is int n ? splits.Train.Take(n) : splits.Train, device);
        return (train, splits.Validation, DataSummary.Of(splits));
    }
}
