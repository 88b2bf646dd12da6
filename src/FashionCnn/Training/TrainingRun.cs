using System.Globalization;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Optimizers;
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
    TrainingFiles Files,
    IReadOnlyList<double> ResidentMegabytesPerEpoch,
    IReadOnlyList<long> LiveTensorsPerEpoch)
{
    /// <summary>The val_loss of the --init-from model before training: the checkpoint's threshold (null without --init-from).</summary>
    public double? SourceValLoss { get; init; }

    /// <summary>Whether the checkpoint holds an epoch of this run: false when no epoch beat <see cref="SourceValLoss"/>.</summary>
    public bool CheckpointWritten { get; init; } = true;
}

/// <summary>
/// Keras' <c>model.fit</c> with the book's callbacks as one call: prepare the device, build (or load) the model,
/// lock the model folder, load and split the data, resume if asked, fit epoch by epoch with a best-only checkpoint
/// and early stopping, put the best weights back, then write the history, its plots and a record of the run.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly ComputeDevice _device;
    private readonly TrainingModel _model;
    private readonly TrainingFiles _files;
    private readonly ModelDirectoryLock _lock;
    private readonly SequentialNet _net;
    private readonly Trainer _trainer;
    private readonly TorchSharpClassifier _classifier;
    private readonly History _history = new();
    private readonly EarlyStopping _earlyStopping;
    private readonly ModelCheckpoint _checkpoint;
    private readonly ReduceLROnPlateau? _plateau;

    /// <summary>
    /// Every callback, in the order they run: the run record first (it measures memory and live tensors at the epoch's end,
    /// before the checkpoint's and early stopping's weight copies), then the history, then the policies that read it.
    /// </summary>
    private readonly IReadOnlyList<ITrainingCallback> _callbacks;
    private readonly RunRecord _runRecord;
    private DeviceDataset? _train;
    private LabeledImages? _validation;
    private DataSummary? _data;
    private BookSplits? _host;
    private ResumePoint? _resumePoint;
    private int _firstEpoch;
    private double? _sourceValLoss;
    private bool _interrupted;

    /// <summary>
    /// Runs the whole fit. Cancelling <paramref name="cancellation"/> (Ctrl+C) at any moment before the run record is
    /// written stops at the end of the current step and records the run as interrupted.
    /// </summary>
    public static TrainingResult Execute(TrainingOptions options, ITrainingProgress progress, CancellationToken cancellation)
    {
        options = options.Validated();
        // Every path first, in a millisecond, before libtorch, a model or the data are loaded.
        string modelDir = OutputFiles.RequireFolder(options.ModelDir, "--model-dir");
        ArchitectureSource.RequireOption(options.Architecture, "--architecture");
        if (options.InitFrom is not null) InputFiles.Require(options.InitFrom, "--init-from");
        DataSources.RequireOptions(options.Data);
        var paths = new CommandFiles().Input("--init-from", options.InitFrom).Input("--architecture", options.Architecture)
            .InputData(options.Data)
            .OutputFolder("--model-dir", options.ModelDir);
        // The data before the model: a bundled architecture takes its shape and classes.
        var data = BookSplits.Load(options.Data);
        var device = ComputeDevice.Prepare(options.Compute);
        var model = TrainingModel.Build(options, DataSummary.Of(data));
        // Before the folder is locked and the network built: a kernel's patch matrix, not its weights, is what a huge
        // convolution cannot hold.
        BatchMemory.Require(model.Spec, options.BatchSize, "--batch-size");
        using var run = new TrainingRun(options, modelDir, paths, device, model, data);
        data = null;
        run.ReadResumePoint();
        run.LoadData();
        run.RequireOwnFilesOrOverwrite();
        run.ResumeIfAsked();
        run.StartCheckpointFromSource();
        run.Announce(progress);
        run.FitEpochs(progress, cancellation);
        run.EndCallbacks();
        run.WriteHistoryAndPlots();
        return run.Finish(cancellation);
    }

    /// <summary>
    /// Marks a run's record interrupted after the run wrote it: for an interrupt that came while the finished run was
    /// on its way out, so that the record and the exit code agree. It runs in a signal handler, so it never throws: a
    /// record that cannot be read or rewritten (a full disk, a file replaced by something else) gives the reason instead.
    /// </summary>
    public static string? RecordInterruption(TrainingFiles files)
    {
        try
        {
            if (FileKinds.Of(files.RunRecord) != FileKind.Regular) return $"{files.RunRecord} is no longer a file";
            if (JsonFormat.ParseStrict(InputFiles.ReadText(files.RunRecord, 1 << 20, "run record")) is not System.Text.Json.Nodes.JsonObject record)
                return $"{files.RunRecord} is no longer the JSON object this run wrote";
            record["interrupted"] = true;
            AtomicFile.WriteAllText(files.RunRecord, record.ToJsonString(JsonFormat.Indented));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FashionCnnException)
        {
            return e.Message.Split('\n')[0].TrimEnd('.');
        }
    }

    private TrainingRun(TrainingOptions options, string modelDir, CommandFiles paths, ComputeDevice device, TrainingModel model, BookSplits data)
    {
        _host = data;
        _options = options;
        _device = device;
        _model = model;
        _files = TrainingFiles.In(modelDir, model.Spec);
        _files.RequireReplaceable(paths, options.ModelDir);
        _lock = ModelDirectoryLock.Acquire(modelDir);
        AtomicFile.RemoveAbandoned(modelDir);

        _net = new SequentialNet(model.Spec);
        try
        {
            _net.InitializeLikeKeras(options.Seed);
            if (model.InitialWeights is { } initial) Checkpoint.LoadWeights(_net, initial, model.Source);
            _net.to(device.Device);
            _net.Precision = options.Compute.Precision;
            _trainer = new Trainer(_net, options);
            _classifier = TorchSharpClassifier.Borrowing(_net, data.ClassNames, device.Device);
        }
        catch
        {
            _net.Dispose();
            _lock.Dispose();
            throw;
        }
        // Early stopping puts the best epoch's weights back at the end; for a resumed run the best checkpoint holds them.
        _earlyStopping = new EarlyStopping(options.Patience, options.RestoreBest,
            () => File.Exists(_files.Checkpoint) ? SafeTensors.Read(_files.Checkpoint).Tensors : null);
        _plateau = options.ReduceLROnPlateau is { } plateau ? new ReduceLROnPlateau(plateau) : null;
        _checkpoint = new ModelCheckpoint(epoch => Checkpoint.Save(_net, _files.Checkpoint, CheckpointMetadata(_history.Epochs[epoch]), _data!.ClassNames));
        _runRecord = new RunRecord(options, model, device, _files.RunRecord);
        _callbacks = [_runRecord, _history, .. _plateau is null ? Array.Empty<ITrainingCallback>() : [_plateau], _earlyStopping, _checkpoint];
    }

    /// <summary>The book's training and validation sets on the device; the run checks its model fits them first.</summary>
    private void LoadData()
    {
        var (train, validation, data) = TrainingData.Upload(_host!, _device.Device, _options.Limit);
        (_train, _validation, _data, _host) = (train, validation, data, null);
        TrainingData.ReleaseHostCopies();
    }

    /// <summary>The resume file, read and checked before the data is loaded, so a bad one is refused at once.</summary>
    private void ReadResumePoint()
    {
        if (_options.Resume) _resumePoint = ResumeFile.Load(_files.ResumeState);
    }

    /// <summary>
    /// A fresh run in a folder that holds another run's files stops before writing anything, unless --overwrite:
    /// everyone's default is models/, where a one-epoch trial once replaced a better model without a word. Which run
    /// the files are is what their resume file, or else their checkpoint, records; a run of the same identity
    /// computes the same numbers and replaces its own files.
    /// </summary>
    private void RequireOwnFilesOrOverwrite()
    {
        if (_options.Resume || _options.Overwrite) return;
        string? difference;
        try
        {
            var recorded = File.Exists(_files.ResumeState) ? ResumeFile.ReadIdentity(_files.ResumeState)
                : File.Exists(_files.Checkpoint) ? RecordedIdentity(SafeTensors.Read(_files.Checkpoint).Metadata)
                : null;
            difference = recorded is null ? null : RunIdentity.Difference(recorded, Identity);
        }
        catch (Exception e) when (e is FashionCnnException or JsonException)
        {
            difference = "files this version cannot read as a run";
        }
        if (difference is not null)
            throw new FashionCnnException(
                $"--model-dir {_options.ModelDir} holds another run's checkpoint, history and resume file ({difference}); "
                + "give this run its own --model-dir, or --overwrite to replace them.");
    }

    /// <summary>The identity a checkpoint's metadata records (<see cref="CheckpointMetadata"/>).</summary>
    private static RunIdentity RecordedIdentity(IReadOnlyDictionary<string, string> metadata)
    {
        string Get(string key) => metadata.GetValueOrDefault(key) ?? "";
        int.TryParse(Get("seed"), NumberStyles.None, CultureInfo.InvariantCulture, out int seed);
        int.TryParse(Get("batch_size"), NumberStyles.None, CultureInfo.InvariantCulture, out int batchSize);
        int? limit = int.TryParse(Get("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l : null;
        string plateau = Get("reduce_lr_on_plateau");
        string classes = Get(Checkpoint.ClassNamesKey);
        return new RunIdentity(seed, batchSize, limit, Get("data_sha256"), Get(Checkpoint.ModelConfigKey), Get("optimizer"), Get("precision"))
        {
            Plateau = plateau.Length == 0 ? null : plateau,
            ClassNames = classes.Length == 0 ? null : JsonSerializer.Deserialize<string[]>(classes),
        };
    }

    private void ResumeIfAsked()
    {
        if (_resumePoint is not { } point) return;
        var state = point.State;
        RequireSameRun(state);
        Checkpoint.LoadWeights(_net, point.Weights, ResumeFile.FileName);
        _trainer.Optimizer.Restore(point.OptimizerState, point.Step, point.LearningRate, ResumeFile.FileName);
        foreach (var callback in _callbacks)
            callback.RestoreState(state.Callbacks.TryGetValue(callback.Name, out var saved) ? saved : throw new FashionCnnException(
                $"--resume: {ResumeFile.FileName} holds no state of {callback.Name}; give the same options as the run it continues."), state.CompletedEpochs);
        _firstEpoch = state.CompletedEpochs;
    }

    /// <summary>A fine-tuning run saves a checkpoint only when an epoch beats the model it started from.</summary>
    private void StartCheckpointFromSource()
    {
        if (_resumePoint is not null || _model.InitialWeights is null) return;
        _sourceValLoss = Evaluation.Run(_classifier, _validation!).Loss;
        _checkpoint.StartFrom(_sourceValLoss.Value);
    }

    private void Announce(ITrainingProgress progress)
    {
        int steps = (_train!.Count + _options.BatchSize - 1) / _options.BatchSize;
        progress.RunStarted(new RunDescription(_data!.Directory, _device.Description, _options.Compute.Threads,
            _train.Count, _validation!.Count, _options.Epochs, steps, _options.BatchSize, _firstEpoch,
            _model.Description, _model.Spec.ParameterCount,
            _options.Optimizer.Describe() + (_options.ReduceLROnPlateau is { } plateau ? $", {plateau.Describe()}" : ""), _model.InitialWeights is null ? null : _model.Source,
            _options.Compute.Precision.Name(), _sourceValLoss));
        _runRecord.Write(_data, ended: null);
    }

    private void FitEpochs(ITrainingProgress progress, CancellationToken cancellation)
    {
        for (int epoch = _firstEpoch; epoch < _options.Epochs; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trained = _trainer.TrainEpoch(_train!, epoch, progress, cancellation);
            if (trained.NonFiniteStep is int badStep) StopOnDivergence(epoch, badStep);
            if (!trained.Completed)
            {
                _interrupted = true;
                return;
            }
            var validated = Evaluation.Run(_classifier, _validation!);
            var record = new EpochRecord(epoch + 1, trained.Loss, trained.Accuracy, validated.Loss, validated.Accuracy, clock.Elapsed.TotalSeconds,
                RecordsLearningRate ? _trainer.Optimizer.CurrentLearningRate : null);
            if (!double.IsFinite(record.ValLoss))
            {
                _history.Add(record);
                StopOnDivergence(epoch, step: null);
            }
            var end = new EpochEnd(epoch, record, _net, _trainer.Optimizer);
            foreach (var callback in _callbacks) callback.OnEpochEnd(end);
            progress.EpochCompleted(record, new EpochOutcome(_earlyStopping.Improved, _checkpoint.SavedLastEpoch,
                _earlyStopping.StoppedBefore(_options.Epochs), _earlyStopping.Patience, _plateau?.Reduced));
            _history.Write(_files.HistoryJson, _files.HistoryCsv);
            ResumeFile.Save(_files.ResumeState, _net, _trainer.Optimizer,
                new ResumeState(epoch + 1, _callbacks.ToDictionary(c => c.Name, c => c.SaveState()), Identity));
            if (_earlyStopping.ShouldStop) return;
            if (cancellation.IsCancellationRequested)
            {
                _interrupted = true;
                return;
            }
        }
    }

    /// <summary>
    /// A training loss or a val_loss that is NaN or infinite ends the run as diverged: the history and its plots are
    /// written (the non-finite values as null and left out of the curves), the best checkpoint stays as it was.
    /// </summary>
    private void StopOnDivergence(int epoch, int? step)
    {
        WriteHistoryAndPlots();
        string kept = _earlyStopping.BestEpoch >= 0
            ? $"the checkpoint of epoch {_earlyStopping.BestEpoch + 1} is kept"
            : "no epoch finished, so there is no checkpoint";
        string where = step is int s ? $"the loss became NaN or infinite at epoch {epoch + 1}, step {s}" : $"val_loss became NaN or infinite at epoch {epoch + 1}";
        // The rate at the step that overflowed: a schedule's or a reduced plateau rate may be far from --learning-rate.
        string rate = _trainer.Optimizer.CurrentLearningRate.ToString(CultureInfo.InvariantCulture);
        string advice = _options.Optimizer.Schedule is not null
            ? $"Try a schedule with lower rates (it gave {rate} at that step)."
            : $"Try a lower --learning-rate (now {rate}).";
        throw new TrainingDivergedException($"training diverged: {where}; {kept}. {advice}");
    }

    /// <summary>The callbacks' end of training: early stopping puts the best epoch's weights back.</summary>
    private void EndCallbacks()
    {
        var end = new TrainEnd(_net, _history.Epochs.Count - 1, _interrupted);
        foreach (var callback in _callbacks) callback.OnTrainEnd(end);
    }

    private void WriteHistoryAndPlots()
    {
        _history.Write(_files.HistoryJson, _files.HistoryCsv);
        if (_history.Epochs.Count == 0) return;
        string run = TrainingCurves.RunLabel(_model.Description, _options.Seed, _options.ModelDir);
        TrainingCurves.SaveLoss(_history, _files.LossPlot, run);
        TrainingCurves.SaveAccuracy(_history, _files.AccuracyPlot, run);
    }

    /// <summary>The result and the run record, which is written last: a cancellation up to this moment counts as an interrupt.</summary>
    private TrainingResult Finish(CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) _interrupted = true;
        var best = _earlyStopping.BestEpoch >= 0 ? _history.Epochs[_earlyStopping.BestEpoch] : null;
        int? stoppedEarly = _earlyStopping.StoppedBefore(_options.Epochs) ? _earlyStopping.StoppedEpoch + 1 : null;
        var result = new TrainingResult(_history, _earlyStopping.BestEpoch + 1, best, _earlyStopping.RestoredBestWeights, stoppedEarly, _interrupted,
            _device.Description, _files, _runRecord.ResidentMegabytes, _runRecord.LiveTensors)
        {
            SourceValLoss = _sourceValLoss,
            CheckpointWritten = _checkpoint.Saved || _resumePoint is not null && File.Exists(_files.Checkpoint),
        };
        _runRecord.Write(_data, DateTimeOffset.Now, result);
        return result;
    }

    /// <summary>Whether the history records the learning rate: only when something changes it, as Keras logs it only then.</summary>
    private bool RecordsLearningRate => _options.Optimizer.Schedule is not null || _plateau is not null;

    private RunIdentity Identity => new(_options.Seed, _options.BatchSize, _options.Limit, _data!.TrainImagesSha256,
        KerasModelConfig.ToJson(_model.Spec), _options.Optimizer.ToJson(), _options.Compute.Precision.Name())
    {
        Plateau = _options.ReduceLROnPlateau?.Describe(),
        ClassNames = _data.ClassNames,
    };

    /// <summary>A resumed run must be the same run: same model, optimizer, seed, batch, limit and data, and epochs left to do.</summary>
    private void RequireSameRun(ResumeState state)
    {
        if (SameRunFields(state.Identity, Identity).FirstOrDefault(f => !f.Same) is { Option: not null } different)
        {
            var (saved, now) = different.Describe();
            throw new FashionCnnException($"--resume: the run used {saved}, not {now}; give the same {different.Option} as before.");
        }
        if (state.CompletedEpochs >= _options.Epochs)
            throw new FashionCnnException($"--resume: the run already completed {state.CompletedEpochs} epoch(s); give --epochs above {state.CompletedEpochs} to train further.");
    }

    /// <summary>
    /// What a resumed run shares with the run it continues, one row per option: whether the resume file and this command
    /// line agree, and how the message shows each side (only asked for when they differ).
    /// </summary>
    private IEnumerable<(string Option, bool Same, Func<(string Saved, string Now)> Describe)> SameRunFields(RunIdentity saved, RunIdentity now) =>
    [
        ("--architecture (or --init-from)", saved.Architecture == now.Architecture, () => ("another model", "the one given now")),
        ("--optimizer and its options", saved.Optimizer == now.Optimizer, () => (OptimizerSettings.DescribeJson(saved.Optimizer), _options.Optimizer.Describe())),
        ("--reduce-lr-on-plateau and its options", saved.Plateau == now.Plateau, () => (saved.Plateau ?? "no --reduce-lr-on-plateau", now.Plateau ?? "none")),
        ("--precision", saved.Precision == now.Precision, () => ($"--precision {saved.Precision}", $"--precision {now.Precision}")),
        ("--seed", saved.Seed == now.Seed, () => ($"--seed {saved.Seed}", $"--seed {now.Seed}")),
        ("--batch-size", saved.BatchSize == now.BatchSize, () => ($"--batch-size {saved.BatchSize}", $"--batch-size {now.BatchSize}")),
        ("--limit", saved.Limit == now.Limit, () => ($"--limit {saved.Limit?.ToString() ?? "(none)"}", $"--limit {now.Limit?.ToString() ?? "(none)"}")),
        ("--class-names (or the data's class folders)", !RunIdentity.OtherClasses(saved, now),
            () => ($"the classes {string.Join(", ", saved.ClassNames!)}", string.Join(", ", now.ClassNames!))),
        (DataSources.Option, saved.DataSha256 == now.DataSha256, () => ("other data files", "these")),
    ];

    private Dictionary<string, string> CheckpointMetadata(EpochRecord record) => new()
    {
        ["epoch"] = record.Epoch.ToString(CultureInfo.InvariantCulture),
        ["metrics"] = JsonFormat.SerializeCompact(new { loss = record.Loss, accuracy = record.Accuracy, val_loss = record.ValLoss, val_accuracy = record.ValAccuracy }),
        ["seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["optimizer"] = _options.Optimizer.ToJson(),
        ["reduce_lr_on_plateau"] = _options.ReduceLROnPlateau?.Describe() ?? "",
        ["learning_rate"] = _options.Optimizer.EffectiveLearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["limit"] = _options.Limit?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["precision"] = _options.Compute.Precision.Name(),
        ["init_from"] = _model.InitialWeights is null ? "" : _model.Source,
        ["data_sha256"] = _data!.TrainImagesSha256,
        ["saved_at"] = DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        _trainer.Dispose();
        _net.Dispose();
        _train?.Dispose();
        _classifier.Dispose();
        _lock.Dispose();
    }
}
