using System.Text.Json;

namespace FashionCnn.Training;

/// <summary>
/// Keras' <c>ModelCheckpoint(save_best_only=True)</c> on val_loss: the checkpoint is written when an epoch's
/// val_loss is strictly lower than that of every epoch before it, and left alone otherwise.
/// </summary>
public sealed class ModelCheckpoint(Action<int> save) : ITrainingCallback
{
    public string Name => "model_checkpoint";

    public double BestValLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>
    /// Keras' <c>initial_value_threshold</c>: only an epoch better than this is saved. A fine-tuning run starts from its
    /// source model's own val_loss, so that a worse model never replaces a better one; a source whose val_loss is not a
    /// number sets no threshold.
    /// </summary>
    public void StartFrom(double initialValueThreshold)
    {
        if (double.IsFinite(initialValueThreshold)) BestValLoss = initialValueThreshold;
    }

    /// <summary>Whether any epoch of this run (or the run it resumes) beat the threshold and was saved.</summary>
    public bool Saved { get; private set; }

    /// <summary>Whether the last epoch was saved.</summary>
    public bool SavedLastEpoch { get; private set; }

    /// <summary>Saves if <paramref name="valLoss"/> improves on the best; true when it saved.</summary>
    public bool OnEpochEnd(int epoch, double valLoss)
    {
        SavedLastEpoch = valLoss < BestValLoss;
        if (!SavedLastEpoch) return false;
        BestValLoss = valLoss;
        save(epoch);
        Saved = true;
        return true;
    }

    public void OnEpochEnd(EpochEnd end) => OnEpochEnd(end.Epoch, end.Record.ValLoss);

    private sealed record State(double BestValLoss);

    public JsonElement SaveState() => CallbackState.Save(new State(BestValLoss));

    /// <summary>Continues a resumed run from the best val_loss its checkpoint was saved at.</summary>
    public void RestoreState(JsonElement state, int completedEpochs) => BestValLoss = CallbackState.Read<State>(state, Name).BestValLoss;
}
