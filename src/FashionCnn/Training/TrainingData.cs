using FashionCnn.Data;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>Where a run's data came from: the folder and the checksum of the training images that checkpoints record.</summary>
public sealed record DataSummary(string Directory, string TrainImagesSha256);

/// <summary>The book's training set, moved to the compute device once, and its validation set, which the classifier takes batch by batch.</summary>
public static class TrainingData
{
    /// <summary>
    /// The 48,000 (or the first <paramref name="limit"/>) training images on <paramref name="device"/> and the 12,000
    /// validation images. The other host copies are dropped before this returns and collected at once: about
    /// 90 MB of arrays a long run has no use for.
    /// </summary>
    public static (DeviceDataset Train, LabeledImages Validation, DataSummary Data) Load(string? dataDir, Device device, int? limit)
    {
        var result = Upload(dataDir, device, limit);
        // Aggressive: also hand the freed pages back to the system, so they do not count as resident.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return result;
    }

    private static (DeviceDataset, LabeledImages, DataSummary) Upload(string? dataDir, Device device, int? limit)
    {
        var splits = BookSplits.Load(dataDir);
        var train = new DeviceDataset(limit is int n ? splits.Train.Take(n) : splits.Train, device);
        return (train, splits.Validation, new DataSummary(splits.Location.Directory, splits.TrainImagesSha256));
    }
}
