using System.Text.Json;
using FashionCnn.Checkpoints;

namespace FashionCnn.Training;

/// <summary>
/// Keras' <c>EarlyStopping(monitor="val_loss", patience=N, restore_best_weights=True)</c>: an epoch improves
/// only if its val_loss is strictly lower than the best so far; after <see cref="Patience"/> epochs in a
/// row without improvement, training stops. Patience 0 turns it off (the run goes to its last epoch). It keeps a copy
/// of the best epoch's weights and puts them back when the run ends, as Keras' does.
/// </summary>
/// <param name="savedBest">The best epoch's weights as the run's checkpoint holds them, for a resumed run; null when there is none.</param>
public sealed class EarlyStopping(int patience, RestoreBest restoreBest, Func<IReadOnlyList<NamedTensor>?>? savedBest = null) : ITrainingCallback
{
    private IReadOnlyList<NamedTensor>? _bestWeights;

    public string Name => "early_stopping";

    public int Patience { get; } = patience;

    public double BestValLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>0-based index of the best epoch so far, -1 before the first.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>0-based epoch at which training was stopped, or null while it was not.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Whether the last epoch was the best so far.</summary>
    public bool Improved { get; private set; }

    /// <summary>Whether the best epoch's weights were put back when the run ended.</summary>
    public bool RestoredBestWeights { get; private set; }

    public bool Enabled => Patience > 0;

    /// <summary>Records one epoch's val_loss; true when this epoch is the new best.</summary>
    public bool OnEpochEnd(int epoch, double valLoss)
    {
        Wait++;
        Improved = valLoss < BestValLoss;
        if (Improved)
        {
            BestValLoss = valLoss;
            BestEpoch = epoch;
            Wait = 0;
            return true;
        }
        if (Enabled && Wait >= Patience && epoch > 0) StoppedEpoch = epoch;
        return false;
    }

    public void OnEpochEnd(EpochEnd end)
    {
        if (OnEpochEnd(end.Epoch, end.Record.ValLoss) && Enabled) _bestWeights = Checkpoint.Weights(end.Net);
    }

    /// <summary>Puts the best epoch's weights back when <see cref="ShouldRestoreBestWeights"/> says so (never after Ctrl+C).</summary>
    public void OnTrainEnd(TrainEnd end)
    {
        if (end.Interrupted || end.LastEpoch < 0 || _bestWeights is null || !ShouldRestoreBestWeights(end.LastEpoch)) return;
        Checkpoint.LoadWeights(end.Net, _bestWeights, "best epoch");
        RestoredBestWeights = true;
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

    private sealed record State(double BestValLoss, int BestEpoch, int Wait);

    public JsonElement SaveState() => CallbackState.Save(new State(BestValLoss, BestEpoch, Wait));

    /// <summary>
    /// The best val_loss, its epoch and the wait since, with the best epoch's weights read back from the checkpoint. A run
    /// whose patience (as given now) had already run out does not go on: it would stop again at once.
    /// </summary>
    public void RestoreState(JsonElement state, int completedEpochs)
    {
        var saved = CallbackState.Read<State>(state, Name);
        if (saved.BestEpoch >= completedEpochs || saved.BestEpoch < -1 || saved.Wait < 0 || saved.Wait > completedEpochs)
            throw ResumeFile.Damaged($"the state of {Name} names epoch {saved.BestEpoch + 1} and a wait of {saved.Wait} after {completedEpochs} epoch(s)");
        (BestValLoss, BestEpoch, Wait) = (saved.BestValLoss, saved.BestEpoch, saved.Wait);
        if (Enabled && Wait >= Patience && completedEpochs > 1)
            throw new FashionCnnException($"--resume: the run already stopped early at epoch {completedEpochs}; give a larger --patience to go on.");
        if (Enabled && BestEpoch >= 0) _bestWeights = savedBest?.Invoke();
    }
}
