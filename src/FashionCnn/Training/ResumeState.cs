using System.Globalization;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Optimizers;

namespace FashionCnn.Training;

/// <summary>
/// The options that must not change between a run and its resumption, or the result would not be that run's.
/// <paramref name="Architecture"/> is the model's Keras JSON, <paramref name="Optimizer"/> the optimizer's settings as JSON.
/// </summary>
public sealed record RunIdentity(int Seed, int BatchSize, int? Limit, string DataSha256, string Architecture, string Optimizer, string? Precision = null)
{
    /// <summary>ReduceLROnPlateau's settings in words; null for a run without it.</summary>
    public string? Plateau { get; init; }

    /// <summary>The data's classes in label order; null in files written before runs recorded them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Whether both record their classes and they differ (names or order): the labels would mean other things.</summary>
    public static bool OtherClasses(RunIdentity saved, RunIdentity now) =>
        saved.ClassNames is { } before && now.ClassNames is { } after && !before.SequenceEqual(after);

    /// <summary>How the run that recorded <paramref name="saved"/> differs from <paramref name="now"/>, in words; null when it is the same run.</summary>
    public static string? Difference(RunIdentity saved, RunIdentity now) =>
        saved.Architecture != now.Architecture ? "that run trained another architecture"
        : saved.Optimizer != now.Optimizer ? $"that run used {OptimizerSettings.DescribeJson(saved.Optimizer)}"
        : saved.Plateau != now.Plateau ? $"that run used {saved.Plateau ?? "no --reduce-lr-on-plateau"}"
        : saved.Precision != now.Precision ? $"that run used --precision {saved.Precision}"
        : saved.Seed != now.Seed ? $"that run used --seed {saved.Seed}"
        : saved.BatchSize != now.BatchSize ? $"that run used --batch-size {saved.BatchSize}"
        : saved.Limit != now.Limit ? $"that run used --limit {saved.Limit?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}"
        : OtherClasses(saved, now) ? $"that run's classes were {string.Join(", ", saved.ClassNames!)}"
        : saved.DataSha256 != now.DataSha256 ? "that run trained on other data files"
        : null;
}

/// <summary>
/// Where a run stood after its last completed epoch: the epoch count, each callback's own state under its name
/// (<see cref="ITrainingCallback.Name"/>: the history, early stopping, the checkpoint, ReduceLROnPlateau) and the
/// options that define the run; enough to continue it as if it had never stopped.
/// </summary>
public sealed record ResumeState(int CompletedEpochs, IReadOnlyDictionary<string, JsonElement> Callbacks, RunIdentity Identity)
{
    /// <summary>Whether every field a resume needs is present (a file edited by hand may lack some); each callback checks its own state.</summary>
    public bool IsComplete =>
        Callbacks is not null && Identity is not null && Identity.DataSha256 is not null && Identity.Architecture is not null
        && Identity.Optimizer is not null && CompletedEpochs >= 1;
}

/// <summary>What a resume file holds besides the state: the weights and the optimizer's slots.</summary>
public sealed record ResumePoint(ResumeState State, IReadOnlyList<NamedTensor> Weights, IReadOnlyList<NamedTensor> OptimizerState, long Step)
{
    /// <summary>The optimizer's constant learning rate as the run left it (ReduceLROnPlateau may have lowered it); null in older files.</summary>
    public double? LearningRate { get; init; }
}

/// <summary>
/// <c>last-epoch.safetensors</c>: written atomically after every epoch, it holds the weights, the optimizer's
/// state slots (<c>optimizer.m</c>, <c>optimizer.v</c> for Adam, …) and, in its metadata, the epoch counter, early
/// stopping's state, the history and the options that define the run. <c>train --resume</c> reads it.
/// </summary>
public static class ResumeFile
{
    public const string FileName = "last-epoch.safetensors";

    /// <summary>The one refusal of a resume file whose state cannot be a run's, saying <paramref name="what"/> is wrong.</summary>
    public static FashionCnnException Damaged(string what) =>
        new($"{FileName}: not a complete fashioncnn resume state ({what}); train without --resume to start again.");
    private const string StateKey = "resume_state", StepKey = "optimizer_step", RateKey = "optimizer_learning_rate", FormatValue = Checkpoint.ResumeFormatValue;

    public static void Save(string path, SequentialNet net, KerasOptimizer optimizer, ResumeState state)
    {
        NamedTensor[] tensors = [.. Checkpoint.Weights(net), .. optimizer.State()];
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.FormatKey] = FormatValue,
            [Checkpoint.ModelConfigKey] = KerasModelConfig.ToJson(net.Spec),
            [StepKey] = optimizer.Step.ToString(CultureInfo.InvariantCulture),
            [RateKey] = optimizer.CurrentLearningRate.ToString("R", CultureInfo.InvariantCulture),
            [StateKey] = JsonSerializer.Serialize(state),
        };
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    /// <summary>
    /// The identity of the run a resume file continues, from this version's files and the previous one's (whose identity
    /// has the same fields): what decides whether a fresh run may replace the folder's files.
    /// </summary>
    public static RunIdentity ReadIdentity(string path)
    {
        var file = SafeTensors.Read(path);
        if (!Checkpoint.IsResumeFormat(file.Metadata.GetValueOrDefault(Checkpoint.FormatKey)))
            throw new FashionCnnException($"{Path.GetFileName(path)}: not a resume file of this version of fashioncnn.");
        using var state = JsonDocument.Parse(file.Metadata.GetValueOrDefault(StateKey) ?? "null");
        return (state.RootElement.ValueKind == JsonValueKind.Object && state.RootElement.TryGetProperty(nameof(ResumeState.Identity), out var identity)
            ? identity.Deserialize<RunIdentity>() : null) ?? throw Damaged("the run's options are missing");
    }

    public static ResumePoint Load(string path)
    {
        string name = Path.GetFileName(path);
        if (FileKinds.Of(path) == FileKind.Missing)
            throw new FashionCnnException($"--resume: no {FileName} in {Path.GetDirectoryName(path)}; nothing to resume (train without --resume to start).");
        var file = SafeTensors.Read(path);
        if (file.Metadata.GetValueOrDefault(Checkpoint.FormatKey) != FormatValue)
            throw new FashionCnnException($"{name}: not a resume file of this version of fashioncnn; train without --resume to start again.");
        ResumeState? state;
        long step;
        double? rate = null;
        try
        {
            state = JsonSerializer.Deserialize<ResumeState>(file.Metadata.GetValueOrDefault(StateKey) ?? "null");
            step = long.Parse(file.Metadata.GetValueOrDefault(StepKey) ?? "", NumberStyles.None, CultureInfo.InvariantCulture);
            if (file.Metadata.GetValueOrDefault(RateKey) is { } text) rate = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException)
        {
            throw new FashionCnnException($"{name}: not a fashioncnn resume file ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
        if (state is null || !state.IsComplete)
            throw Damaged("the epoch count, the callbacks' states or the run's options are missing");
        // A step count no run of that many epochs can reach (2^63 - 1 would overflow the optimizer's bias correction),
        // and weights or optimizer slots that are not numbers, are the file's fault, not a run that diverges later.
        if (step > (long)state.CompletedEpochs * int.MaxValue)
            throw new FashionCnnException($"{name}: optimizer_step {step} is more steps than {state.CompletedEpochs} epoch(s) can take; the file is damaged.");
        if (file.Tensors.FirstOrDefault(t => !t.Values.All(float.IsFinite)) is { } broken)
            throw new FashionCnnException($"{name}: tensor {broken.Name} holds NaN or infinite values; a resume file holds a run that trained, so it is damaged.");
        var optimizer = file.Tensors.Where(t => t.Name.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)).ToList();
        var weights = file.Tensors.Where(t => !t.Name.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)).ToList();
        if (rate is double r && !(r > 0 && double.IsFinite(r)))
            throw new FashionCnnException($"{name}: optimizer_learning_rate {r} is not a positive number; the file is damaged.");
        return new ResumePoint(state, weights, optimizer, step) { LearningRate = rate };
    }
}
