namespace FashionCnn.Training;

/// <summary>How a run reports what it is doing; the command line draws it, tests may record it.</summary>
public interface ITrainingProgress
{
    /// <summary>Once, before the first epoch.</summary>
    void RunStarted(RunDescription run);

    /// <summary>At most every few hundred milliseconds, and after the last step of each epoch.</summary>
    void StepCompleted(StepProgress step);

    void EpochCompleted(EpochRecord record, EpochOutcome outcome);
}

/// <summary>
/// What is about to be trained, where; <paramref name="InitFrom"/> names the file whose weights the model starts from,
/// and <paramref name="InitialValLoss"/> is that model's val_loss, which an epoch must beat to be saved.
/// </summary>
public sealed record RunDescription(string DataDirectory, string Device, int Threads, int TrainCount, int ValidationCount,
    int Epochs, int StepsPerEpoch, int BatchSize, int ResumedAfterEpoch, string Model, long Parameters, string Optimizer, string? InitFrom, string Precision,
    double? InitialValLoss = null);

/// <summary>Running metrics of the epoch so far (0-based epoch, 1-based step).</summary>
public sealed record StepProgress(int Epoch, int Epochs, int Step, int Steps, double Loss, double Accuracy, TimeSpan Elapsed);

/// <summary>
/// What the callbacks did at the end of an epoch; <paramref name="StopsEarly"/> only when it ends the run before its last epoch;
/// <paramref name="ReducedLearningRate"/> the rate ReduceLROnPlateau lowered the optimizer's to, when it did.
/// </summary>
public sealed record EpochOutcome(bool Improved, bool CheckpointSaved, bool StopsEarly, int Patience, double? ReducedLearningRate = null);

/// <summary>Discards every report.</summary>
public sealed class NoProgress : ITrainingProgress
{
    public static readonly NoProgress Instance = new();

    public void RunStarted(RunDescription run) { }

    public void StepCompleted(StepProgress step) { }

    public void EpochCompleted(EpochRecord record, EpochOutcome outcome) { }
}
