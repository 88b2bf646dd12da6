using System.Globalization;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Model;
using FashionCnn.Plotting;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>What a training run did and where it left its files.</summary>
public sealed record TrainingResult(
    History History,
    int BestEpoch,
    EpochRecord? Best,
    bool RestoredBestWeights,
    int? StoppedEarlyAtEpoch,
    bool Interrupted,
    string Device,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyList<double> ResidentMegabytesPerEpoch,
    IReadOnlyList<long> LiveTensorsPerEpoch);

/// <summary>
/// The book's chapter 8-2 as one call: load and split the data, build and initialise the model, fit it
/// with a best-only checkpoint and early stopping, then write the history, its plots and a record of the run.
/// </summary>
public static class TrainingRun
{
    public const string HistoryJson = "history.json", HistoryCsv = "history.csv", LossPng = "loss.png",
        AccuracyPng = "accuracy.png", RunJson = "run.json";

    public static TrainingResult Execute(TrainingOptions options, ITrainingProgress progress, CancellationToken cancellation)
    {
        options = options.Validated();
        var started = DateTimeOffset.Now;
        var device = ComputeDevice.Resolve(options.Device);
        torch.set_num_threads(options.Threads);

        var (train, validation) = LoadDatasets(options.DataDir, device.Device, options.Limit, out var location, out string dataSha256);

        string modelDir = Path.GetFullPath(options.ModelDir);
        Directory.CreateDirectory(modelDir);
        var files = new Dictionary<string, string>
        {
            ["checkpoint"] = Path.Combine(modelDir, Checkpoint.FileName),
            ["history_json"] = Path.Combine(modelDir, HistoryJson),
            ["history_csv"] = Path.Combine(modelDir, HistoryCsv),
            ["loss_plot"] = Path.Combine(modelDir, LossPng),
            ["accuracy_plot"] = Path.Combine(modelDir, AccuracyPng),
            ["run"] = Path.Combine(modelDir, RunJson),
        };

        using var trainData = train;
        using var validationData = validation;
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(options.Seed);
        net.to(device.Device);
        using var trainer = new Trainer(net, options);

        int steps = (train.Count + options.BatchSize - 1) / options.BatchSize;
        progress.RunStarted(new RunDescription(location.Directory, device.Description, options.Threads,
            train.Count, validation.Count, options.Epochs, steps, options.BatchSize));
        WriteRunRecord(files["run"], options, device, started, null, null);

        var history = new History();
        var earlyStopping = new EarlyStopping(options.Patience, options.RestoreBest);
        NamedTensor[]? bestWeights = null;
        var checkpoint = new ModelCheckpoint(epoch => Checkpoint.Save(net, files["checkpoint"],
            CheckpointMetadata(options, history.Epochs[^1], dataSha256)));

        bool interrupted = false;
        var residentMegabytes = new List<double>();
        var liveTensors = new List<long>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trained = trainer.TrainEpoch(train, epoch, progress, cancellation);
            if (!trained.Completed)
            {
                interrupted = true;
                break;
            }
            var validated = Evaluation.Run(net, validation);
            var record = new EpochRecord(epoch + 1, trained.Loss, trained.Accuracy, validated.Loss, validated.Accuracy, clock.Elapsed.TotalSeconds);
            history.Add(record);
            // An epoch leaves a few MB of host garbage (weight copies for the checkpoint and early stopping) that
            // the GC's heuristics may not collect for many epochs; one full collection here takes milliseconds
            // and keeps resident memory flat over a long run.
            GC.Collect();
            residentMegabytes.Add(Math.Round(Environment.WorkingSet / 1048576.0, 1));
            liveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);

            bool improved = earlyStopping.OnEpochEnd(epoch, record.ValLoss);
            if (improved && earlyStopping.Enabled) bestWeights = Checkpoint.Weights(net);
            bool saved = checkpoint.OnEpochEnd(epoch, record.ValLoss);
            progress.EpochCompleted(record, new EpochOutcome(improved, saved, earlyStopping.ShouldStop));
            history.Write(files["history_json"], files["history_csv"]);
            if (earlyStopping.ShouldStop) break;
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
        }

        bool restored = false;
        if (!interrupted && history.Epochs.Count > 0 && bestWeights is not null
            && earlyStopping.ShouldRestoreBestWeights(history.Epochs.Count - 1))
        {
            Checkpoint.LoadWeights(net, bestWeights, "best epoch");
            restored = true;
        }

        history.Write(files["history_json"], files["history_csv"]);
        if (history.Epochs.Count > 0)
        {
            TrainingCurves.SaveLoss(history, files["loss_plot"]);
            TrainingCurves.SaveAccuracy(history, files["accuracy_plot"]);
        }
        else
        {
            files.Remove("loss_plot");
            files.Remove("accuracy_plot");
        }
        if (!File.Exists(files["checkpoint"])) files.Remove("checkpoint");

        var best = earlyStopping.BestEpoch >= 0 ? history.Epochs[earlyStopping.BestEpoch] : null;
        var result = new TrainingResult(history, earlyStopping.BestEpoch + 1, best, restored,
            earlyStopping.StoppedEpoch + 1, interrupted, device.Description, files, residentMegabytes, liveTensors);
        WriteRunRecord(files["run"], options, device, started, DateTimeOffset.Now, result);
        return result;
    }

    /// <summary>
    /// The book's training and validation sets on the device. The host copies are dropped before this
    /// returns and collected at once: about 100 MB of arrays a long run has no use for.
    /// </summary>
    public static (DeviceDataset Train, DeviceDataset Validation) LoadDatasets(string? dataDir, Device device, int? limit) =>
        LoadDatasets(dataDir, device, limit, out _, out _);

    private static (DeviceDataset Train, DeviceDataset Validation) LoadDatasets(string? dataDir, Device device, int? limit,
        out DataLocation location, out string trainImagesSha256)
    {
        var result = Upload(dataDir, device, limit, out location, out trainImagesSha256);
        // Aggressive: also hand the freed pages back to the system, so they do not count as resident.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return result;
    }

    private static (DeviceDataset, DeviceDataset) Upload(string? dataDir, Device device, int? limit,
        out DataLocation location, out string trainImagesSha256)
    {
        var splits = BookSplits.Load(dataDir);
        location = splits.Location;
        trainImagesSha256 = splits.TrainImagesSha256;
        var train = new DeviceDataset(limit is int n ? splits.Train.Take(n) : splits.Train, device);
        return (train, new DeviceDataset(splits.Validation, device));
    }

    private static Dictionary<string, string> CheckpointMetadata(TrainingOptions options, EpochRecord record, string dataSha256) => new()
    {
        ["epoch"] = record.Epoch.ToString(CultureInfo.InvariantCulture),
        ["metrics"] = JsonSerializer.Serialize(new { loss = record.Loss, accuracy = record.Accuracy, val_loss = record.ValLoss, val_accuracy = record.ValAccuracy }),
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["limit"] = options.Limit?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["data_sha256"] = dataSha256,
        ["saved_at"] = DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture),
    };

    private static void WriteRunRecord(string path, TrainingOptions options, ComputeDevice device,
        DateTimeOffset started, DateTimeOffset? ended, TrainingResult? result)
    {
        var record = new
        {
            options = new
            {
                epochs = options.Epochs, batch_size = options.BatchSize, learning_rate = options.LearningRate,
                patience = options.Patience, seed = options.Seed, device = options.Device, threads = options.Threads,
                limit = options.Limit, restore_best = options.RestoreBest == RestoreBest.Always ? "always" : "on-stop",
                data_dir = options.DataDir, model_dir = options.ModelDir,
            },
            device = device.Description,
            threads = torch.get_num_threads(),
            versions = new
            {
                fashioncnn = Checkpoint.ToolVersion,
                torchsharp = ComputeDevice.TorchSharpVersion,
                libtorch = ComputeDevice.LibTorchVersion,
                backend = ComputeDevice.Backend,
                dotnet = Environment.Version.ToString(),
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            started = started.ToString("o", CultureInfo.InvariantCulture),
            ended = ended?.ToString("o", CultureInfo.InvariantCulture),
            epochs_run = result?.History.Epochs.Count,
            best_epoch = result?.BestEpoch,
            restored_best_weights = result?.RestoredBestWeights,
            stopped_early_at_epoch = result?.StoppedEarlyAtEpoch,
            interrupted = result?.Interrupted,
            // Resident memory after each epoch: flat when every step's tensors are freed (one dispose scope per step).
            resident_mb_per_epoch = result?.ResidentMegabytesPerEpoch,
            peak_resident_mb = ended is null ? (double?)null : Math.Round(Benchmark.PeakResidentMegabytes(), 1),
            live_tensors_per_epoch = result?.LiveTensorsPerEpoch,
        };
        AtomicFile.WriteAllText(path, JsonFormat.Serialize(record));
    }
}
