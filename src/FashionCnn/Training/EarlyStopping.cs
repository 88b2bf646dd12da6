namespace FashionCnn.Training;

/// <summary>
/// Keras' <c>EarlyStopping(monitor="val_loss", patience=N, restore_best_weights=True)</c>: an epoch improves
/// only if its val_loss is strictly lower than the best so far; after <see cref="Patience"/> epochs in a
/// row without improvement, training stops. Patience 0 turns it off (the run goes to its last epoch).
/// </summary>
public sealed class EarlyStopping(int patience, RestoreBest restoreBest)
{
    public int Patience { get; } = patience;

    public double BestValLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>0-based index of the best epoch so far, -1 before the first.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>0-based epoch at which training was stopped, or null while it was not.</summary>
    public int? StoppedEpoch { get; private set; }

    public bool Enabled => Patience > 0;

    /// <summary>Records one epoch's val_loss; true when this epoch is the new best.</summary>
    public bool OnEpochEnd(int epoch, double valLoss)
    {
        Wait++;
        if (valLoss < BestValLoss)
        {
            BestValLoss = valLoss;
            BestEpoch = epoch;
            Wait = 0;
            return true;
        }
        if (Enabled && Wait >= Patience && epoch > 0) StoppedEpoch = epoch;
        return false;
    }

    public bool ShouldStop => StoppedEpoch is not null;

    /// <summary>
    /// Whether patience ran out before the run's last epoch, so that it ended the run early. Keras (verbose) also
    /// prints "early stopping" when patience runs out on the last epoch; nothing was stopped there, so this tool does not.
    /// </summary>
    public bool StoppedBefore(int epochs) => StoppedEpoch is int stopped && stopped + 1 < epochs;

    /// <summary>Whether the best epoch's weights replace the last ones when training ends.</summary>
    public bool ShouldRestoreBestWeights(int lastEpoch) =>
        Enabled && BestEpoch >= 0 && BestEpoch != lastEpoch && (ShouldStop || restoreBest == RestoreBest.Always);

    /// <summary>Restores the state a resume file saved (<see cref="BestValLoss"/>, <see cref="BestEpoch"/>, <see cref="Wait"/>).</summary>
    public void Restore((double BestValLoss, int BestEpoch, int Wait) state) => (BestValLoss, BestEpoch, Wait) = state;
}
