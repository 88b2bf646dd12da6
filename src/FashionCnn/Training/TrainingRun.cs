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

        string modelDir = Path.GetFullPath(options.ModelDir);
        using var folderLock = ModelDirectoryLock.Acquire(modelDir);
        RemoveStaleTemporaryFiles(modelDir);
        var files = new Dictionary<string, string>
        {
            ["checkpoint"] = Path.Combine(modelDir, Checkpoint.FileName),
            ["history_json"] = Path.Combine(modelDir, HistoryJson),
            ["history_csv"] = Path.Combine(modelDir, HistoryCsv),
            ["loss_plot"] = Path.Combine(modelDir, LossPng),
            ["accuracy_plot"] = Path.Combine(modelDir, AccuracyPng),
            ["run"] = Path.Combine(modelDir, RunJson),
            ["resume_state"] = Path.Combine(modelDir, ResumeFile.FileName),
        };
        var resumed = options.Resume ? ResumeFile.Load(files["resume_state"]) : default;

        var (train, validation) = LoadDatasets(options.DataDir, device.Device, options.Limit, out var location, out string dataSha256);
        using var trainData = train;
        using var validationData = validation;
        var identity = new RunIdentity(options.Seed, options.BatchSize, options.LearningRate, options.Limit, dataSha256);
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(options.Seed);
        net.to(device.Device);
        using var trainer = new Trainer(net, options);

        var history = new History();
        var earlyStopping = new EarlyStopping(options.Patience, options.RestoreBest);
        NamedTensor[]? bestWeights = null;
        var checkpoint = new ModelCheckpoint(epoch => Checkpoint.Save(net, files["checkpoint"],
            CheckpointMetadata(options, history.Epochs[^1], dataSha256)));
        int firstEpoch = 0;
        if (resumed.State is { } state)
        {
            RequireSameRun(state, identity, options);
            Checkpoint.LoadWeights(net, resumed.Weights, ResumeFile.FileName);
            trainer.Optimizer.Restore(resumed.M, resumed.V, resumed.Step);
            foreach (var record in state.History) history.Add(record);
            earlyStopping.Restore((state.BestValLoss, state.BestEpoch, state.Wait));
            checkpoint.Restore(state.CheckpointBestValLoss);
            // Early stopping restores the best epoch's weights at the end: the best checkpoint holds them.
            if (earlyStopping.Enabled && state.BestEpoch >= 0 && File.Exists(files["checkpoint"]))
                bestWeights = SafeTensors.Read(files["checkpoint"]).Tensors.ToArray();
            firstEpoch = state.CompletedEpochs;
        }

        int steps = (train.Count + options.BatchSize - 1) / options.BatchSize;
        progress.RunStarted(new RunDescription(location.Directory, device.Description, options.Threads,
            train.Count, validation.Count, options.Epochs, steps, options.BatchSize, firstEpoch));
        WriteRunRecord(files["run"], options, device, started, null, null);

        bool interrupted = false;
        var residentMegabytes = new List<double>();
        var liveTensors = new List<long>();
        for (int epoch = firstEpoch; epoch < options.Epochs; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trained = trainer.TrainEpoch(train, epoch, progress, cancellation);
            if (trained.NonFiniteStep is int badStep)
            {
                history.Write(files["history_json"], files["history_csv"]);
                string kept = earlyStopping.BestEpoch >= 0
                    ? $"the checkpoint of epoch {earlyStopping.BestEpoch + 1} is kept"
                    : "no epoch finished, so there is no checkpoint";
                throw new RuntimeFailureException(
                    $"training diverged: the loss became NaN or infinite at epoch {epoch + 1}, step {badStep}; {kept}. Try a lower --learning-rate (now {options.LearningRate}).");
            }
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
            ResumeFile.Save(files["resume_state"], net, trainer.Optimizer, new ResumeState(epoch + 1,
                earlyStopping.BestValLoss, earlyStopping.BestEpoch, earlyStopping.Wait, checkpoint.BestValLoss, history.Epochs.ToList(), identity));
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
        foreach (string key in new[] { "checkpoint", "resume_state" })
            if (!File.Exists(files[key])) files.Remove(key);

        var best = earlyStopping.BestEpoch >= 0 ? history.Epochs[earlyStopping.BestEpoch] : null;
        var result = new TrainingResult(history, earlyStopping.BestEpoch + 1, best, restored,
            earlyStopping.StoppedEpoch + 1, interrupted, device.Description, files, residentMegabytes, liveTensors);
        WriteRunRecord(files["run"], options, device, started, DateTimeOffset.Now, result);
        return result;
    }

    /// <summary>A resumed run must be the same run: same seed, batch, learning rate, limit and data, and epochs left to do.</summary>
    private static void RequireSameRun(ResumeState state, RunIdentity identity, TrainingOptions options)
    {
        var saved = state.Identity;
        if (saved.Seed != identity.Seed) throw new FashionCnnException($"--resume: the run used --seed {saved.Seed}, not {identity.Seed}.");
        if (saved.BatchSize != identity.BatchSize) throw new FashionCnnException($"--resume: the run used --batch-size {saved.BatchSize}, not {identity.BatchSize}.");
        if (saved.LearningRate != identity.LearningRate) throw new FashionCnnException($"--resume: the run used --learning-rate {saved.LearningRate}, not {identity.LearningRate}.");
        if (saved.Limit != identity.Limit) throw new FashionCnnException($"--resume: the run used --limit {saved.Limit?.ToString() ?? "(none)"}, not {identity.Limit?.ToString() ?? "(none)"}.");
        if (saved.DataSha256 != identity.DataSha256) throw new FashionCnnException("--resume: the run was trained on other data files.");
        if (state.CompletedEpochs >= options.Epochs)
            throw new FashionCnnException($"--resume: the run already completed {state.CompletedEpochs} epoch(s); give --epochs above {state.CompletedEpochs} to train further.");
        if (options.Patience > 0 && state.Wait >= options.Patience && state.CompletedEpochs > 1)
            throw new FashionCnnException($"--resume: the run already stopped early at epoch {state.CompletedEpochs}; give a larger --patience to go on.");
    }

    /// <summary>Temporary files of writers that were killed mid-write; with the folder locked, no live writer owns one.</summary>
    private static void RemoveStaleTemporaryFiles(string modelDir)
    {
        foreach (string stale in Directory.EnumerateFiles(modelDir, ".*.tmp"))
        {
            try { File.Delete(stale); }
            catch (IOException) { }
        }
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
            peak_resident_mb = ended is null ? (double?)null : Math.Round(ResidentMemory.PeakMegabytes(), 1),
            live_tensors_per_epoch = result?.LiveTensorsPerEpoch,
        };
        AtomicFile.WriteAllText(path, JsonFormat.Serialize(record));
    }
}
