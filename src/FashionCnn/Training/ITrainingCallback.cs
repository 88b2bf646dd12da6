using System.Text.Json;
using FashionCnn.Model;
using FashionCnn.Optimizers;

namespace FashionCnn.Training;

/// <summary>What a callback sees when an epoch ends: its 0-based index, its record, the network and the optimizer.</summary>
public sealed record EpochEnd(int Epoch, EpochRecord Record, SequentialNet Net, KerasOptimizer Optimizer);

/// <summary>How a run ended, for <see cref="ITrainingCallback.OnTrainEnd"/>: the network, the last epoch run (0-based, −1 for none) and whether Ctrl+C stopped it.</summary>
public sealed record TrainEnd(SequentialNet Net, int LastEpoch, bool Interrupted);

/// <summary>
/// A training-loop policy as Keras writes one (<c>keras/src/callbacks/callback.py</c>): hooks the loop calls, and the
/// state it owns, which the resume file keeps under <see cref="Name"/> (as Keras' <c>BackupAndRestore</c> makes resume
/// part of the callbacks). Adding a callback is its own file and one line where the run lists its callbacks.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>The key of its state in the resume file.</summary>
    string Name { get; }

    void OnEpochEnd(EpochEnd end);

    /// <summary>After the last epoch, before the history and the run record are written.</summary>
    void OnTrainEnd(TrainEnd end) { }

    /// <summary>Its state after the epoch that just ended, as JSON.</summary>
    JsonElement SaveState();

    /// <summary>
    /// Continues a resumed run from <paramref name="state"/>, saved after <paramref name="completedEpochs"/> epochs; a state
    /// that cannot be that run's is refused (<see cref="ResumeFile.Damaged"/>).
    /// </summary>
    void RestoreState(JsonElement state, int completedEpochs);
}

/// <summary>Reading and writing a callback's state record.</summary>
internal static class CallbackState
{
    public static JsonElement Save<T>(T state) => JsonSerializer.SerializeToElement(state);

    /// <summary>The state record, or the resume file's one-line refusal when it is not one.</summary>
    public static T Read<T>(JsonElement state, string callback) where T : class
    {
        try
        {
            return state.Deserialize<T>() ?? throw ResumeFile.Damaged($"the state of {callback} is null");
        }
        catch (JsonException e)
        {
            throw ResumeFile.Damaged($"the state of {callback} is not one ({e.Message.Split('\n')[0].TrimEnd('.')})");
        }
    }
}
