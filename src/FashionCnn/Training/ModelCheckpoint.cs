namespace FashionCnn.Training;

/// <summary>
/// Keras' <c>ModelCheckpoint(save_best_only=True)</c> on val_loss: the checkpoint is written when an epoch's
/// val_loss is strictly lower than that of every epoch before it, and left alone otherwise.
/// </summary>
public sealed class ModelCheckpoint(Action<int> save)
{
    public double BestValLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Continues a resumed run from the best val_loss its checkpoint was saved at.</summary>
    public void Restore(double bestValLoss) => BestValLoss = bestValLoss;

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

    /// <summary>Saves if <paramref name="valLoss"/> improves on the best; true when it saved.</summary>
    public bool OnEpochEnd(int epoch, double valLoss)
    {
        if (!(valLoss < BestValLoss)) return false;
        BestValLoss = valLoss;
        save(epoch);
        Saved = true;
        return true;
    }
}
