using System.Globalization;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Model;

namespace FashionCnn.Training;

/// <summary>The options that must not change between a run and its resumption, or the result would not be that run's.</summary>
public sealed record RunIdentity(int Seed, int BatchSize, double LearningRate, int? Limit, string DataSha256);

/// <summary>Where a run stood after its last completed epoch: enough to continue it as if it had never stopped.</summary>
public sealed record ResumeState(
    int CompletedEpochs, double BestValLoss, int BestEpoch, int Wait, double CheckpointBestValLoss,
    IReadOnlyList<EpochRecord> History, RunIdentity Identity);

/// <summary>
/// <c>last-epoch.safetensors</c>: written atomically after every epoch, it holds the weights, Keras Adam's
/// moments (<c>optimizer.m</c>, <c>optimizer.v</c>) and, in its metadata, the epoch counter, early stopping's
/// state, the history and the options that define the run. <c>train --resume</c> reads it.
/// </summary>
public static class ResumeFile
{
    public const string FileName = "last-epoch.safetensors";
    private const string StateKey = "resume_state", StepKey = "optimizer_step";

    public static void Save(string path, SequentialNet net, KerasAdam optimizer, ResumeState state)
    {
        var (m, v, step) = optimizer.State();
        NamedTensor[] tensors = [.. Checkpoint.Weights(net), new("optimizer.m", [m.Length], m), new("optimizer.v", [v.Length], v)];
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.FormatKey] = "fashioncnn-resume/1",
            [Checkpoint.ModelConfigKey] = KerasModelConfig.ToJson(net.Spec),
            [StepKey] = step.ToString(CultureInfo.InvariantCulture),
            [StateKey] = JsonSerializer.Serialize(state),
        };
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, metadata));
    }

    public static (ResumeState State, IReadOnlyList<NamedTensor> Weights, float[] M, float[] V, long Step) Load(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
            throw new FashionCnnException($"--resume: no {FileName} in {Path.GetDirectoryName(path)}; nothing to resume (train without --resume to start).");
        var file = SafeTensors.Read(path);
        try
        {
            var state = JsonSerializer.Deserialize<ResumeState>(file.Metadata[StateKey])
                        ?? throw new FashionCnnException($"{name}: empty resume state.");
            long step = long.Parse(file.Metadata[StepKey], CultureInfo.InvariantCulture);
            var m = file.Find("optimizer.m") ?? throw new FashionCnnException($"{name}: no optimizer state.");
            var v = file.Find("optimizer.v") ?? throw new FashionCnnException($"{name}: no optimizer state.");
            var weights = file.Tensors.Where(t => !t.Name.StartsWith("optimizer.", StringComparison.Ordinal)).ToList();
            return (state, weights, m.Values, v.Values, step);
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException or FormatException)
        {
            throw new FashionCnnException($"{name}: not a fashioncnn resume file ({e.Message.TrimEnd('.')}).", e);
        }
    }
}
