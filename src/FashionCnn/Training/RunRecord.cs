using FashionCnn.Data;
using System.Globalization;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Compute;
using FashionCnn.Files;
using FashionCnn.Model;
using TorchSharp;

namespace FashionCnn.Training;

/// <summary>
/// run.json, as a callback: the run's options, data, device and versions, when it started and ended, how it ended, and
/// the resident memory and live tensors after each epoch, which it measures at each epoch's end and keeps across a
/// resume (its state), so that the record of a resumed run covers every epoch.
/// </summary>
internal sealed class RunRecord(TrainingOptions options, TrainingModel model, ComputeDevice device, string path) : ITrainingCallback
{
    private readonly TrainingOptions _options = options;
    private readonly TrainingModel _model = model;
    private readonly ComputeDevice _device = device;
    private readonly string _path = path;
    private readonly DateTimeOffset _started = DateTimeOffset.Now;
    private readonly List<double> _residentMegabytes = [];
    private readonly List<long> _liveTensors = [];

    public string Name => "run_record";

    public IReadOnlyList<double> ResidentMegabytes => _residentMegabytes;

    public IReadOnlyList<long> LiveTensors => _liveTensors;

    /// <summary>
    /// An epoch leaves a few MB of host garbage (weight copies for the checkpoint and early stopping) that the GC's
    /// heuristics may not collect for many epochs; one full collection here takes milliseconds and keeps resident
    /// memory flat over a long run, which run.json records per epoch with the number of live tensors.
    /// </summary>
    public void OnEpochEnd(EpochEnd end)
    {
        GC.Collect();
        _residentMegabytes.Add(Math.Round(ByteSize.Megabytes(Environment.WorkingSet), 1));
        _liveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private sealed record State(List<double> ResidentMegabytes, List<long> LiveTensors);

    public JsonElement SaveState() => CallbackState.Save(new State(_residentMegabytes, _liveTensors));

    public void RestoreState(JsonElement state, int completedEpochs)
    {
        var saved = CallbackState.Read<State>(state, Name);
        if (saved.ResidentMegabytes is null || saved.LiveTensors is null || saved.ResidentMegabytes.Count != completedEpochs || saved.LiveTensors.Count != completedEpochs)
            throw ResumeFile.Damaged($"the state of {Name} does not hold {completedEpochs} epoch(s) of measurements");
        _residentMegabytes.AddRange(saved.ResidentMegabytes);
        _liveTensors.AddRange(saved.LiveTensors);
    }

    /// <summary>Writes run.json: at the start (<paramref name="ended"/> null) and again with the run's <paramref name="result"/>.</summary>
    public void Write(DataSummary? data, DateTimeOffset? ended, TrainingResult? result = null)
    {
        var options = _options;
        var record = new
        {
            options = new
            {
                architecture = _model.Description, init_from = options.InitFrom, epochs = options.Epochs, batch_size = options.BatchSize,
                optimizer = JsonDocument.Parse(options.Optimizer.ToJson()).RootElement, learning_rate = options.Optimizer.EffectiveLearningRate,
                lr_schedule_file = options.ScheduleFile,
                reduce_lr_on_plateau = options.ReduceLROnPlateau is { } p ? new
                {
                    monitor = p.Monitor, factor = p.Factor, patience = p.Patience, mode = p.Mode, min_delta = p.MinDelta, cooldown = p.Cooldown, min_lr = p.MinLr,
                } : null,
                patience = options.Patience, seed = options.Seed, device = options.Compute.Device.Name(), threads = options.Compute.Threads,
                limit = options.Limit, precision = options.Compute.Precision.Name(), restore_best = RestoreBests.Spelling.Name(options.RestoreBest),
                data = options.Data.Path, data_dir = options.Data.DataDir, validation_split = options.Data.ValidationSplit, model_dir = options.ModelDir, resume = options.Resume,
            },
            data = data is { } d ? new
            {
                kind = d.Kind, location = d.Directory, input_shape = new[] { d.Shape.Height, d.Shape.Width, d.Shape.Channels },
                color_mode = d.Shape.ColorMode.Name(), class_names = d.ClassNames,
            } : null,
            device = _device.Description,
            threads = torch.get_num_threads(),
            parameters = _model.Spec.ParameterCount,
            versions = new
            {
                fashioncnn = Checkpoint.ToolVersion,
                torchsharp = ComputeDevice.TorchSharpVersion,
                libtorch = ComputeDevice.LibTorchVersion,
                backend = ComputeDevice.Backend,
                dotnet = Environment.Version.ToString(),
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            started = _started.ToString("o", CultureInfo.InvariantCulture),
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
        AtomicFile.WriteAllText(_path, JsonFormat.Serialize(record));
    }
}
