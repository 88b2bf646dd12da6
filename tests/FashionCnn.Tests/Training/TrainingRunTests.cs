using FashionCnn.Data;
using FashionCnn.Training;

namespace FashionCnn.Tests.Training;

/// <summary>The real training loop on real data, kept short with Limit. Alone, so that other tests do not share its memory or cores.</summary>
[Collection(nameof(Serial))]
public class TrainingRunTests
{
    private static TrainingResult Train(string modelDir, int epochs, int limit, int threads = 2) =>
        TrainingRun.Execute(new TrainingOptions
        {
            Epochs = epochs,
            Limit = limit,
            Compute = new FashionCnn.Compute.ComputeOptions { Threads = threads, Device = FashionCnn.Compute.DeviceChoice.Cpu },
            Data = new DataOptions { DataDir = TestPaths.DataDirectory },
            ModelDir = modelDir,
            Patience = 0,
        }, NoProgress.Instance, CancellationToken.None);

    [Fact]
    public void Same_seed_and_threads_give_an_identical_history()
    {
        using var temp = new TempFolder();

        var first = Train(temp.File("a"), epochs: 2, limit: 320);
        var second = Train(temp.File("b"), epochs: 2, limit: 320);

        Assert.Equal(2, first.History.Epochs.Count);
        Assert.Equal(first.History.Epochs.Select(e => e with { Seconds = 0 }), second.History.Epochs.Select(e => e with { Seconds = 0 }));
        Assert.Equal(File.ReadAllBytes(first.Files.Checkpoint).Length, File.ReadAllBytes(second.Files.Checkpoint).Length);
    }

    [Fact]
    public void Training_lowers_the_loss_and_resident_memory_stays_flat_across_epochs()
    {
        using var temp = new TempFolder();

        var result = Train(temp.File("m"), epochs: 5, limit: 1024);

        var epochs = result.History.Epochs;
        Assert.True(epochs[^1].Loss < epochs[0].Loss, $"loss went from {epochs[0].Loss} to {epochs[^1].Loss}");
        Assert.True(epochs[^1].ValAccuracy > 0.6, $"val_accuracy {epochs[^1].ValAccuracy}");
        // Every step's tensors live in a dispose scope: no epoch may leave a tensor behind (a leak of one
        // per step would add hundreds), and resident memory must not climb epoch after epoch.
        Assert.All(result.LiveTensorsPerEpoch, live => Assert.Equal(result.LiveTensorsPerEpoch[0], live));
        var rss = result.ResidentMegabytesPerEpoch;
        Assert.True(rss[^1] - rss.Take(2).Max() < 64, $"resident memory per epoch: {string.Join(", ", rss)} MB");
    }
}
