using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary>
/// Draws training progress as Keras' verbose=1 output. On a terminal the epoch's line is redrawn in place;
/// when output is redirected (a CI log, a file) only the finished line of each epoch is written.
/// </summary>
public sealed class KerasProgressBar(TextWriter output, bool interactive) : ITrainingProgress
{
    private const int BarWidth = 30;
    private StepProgress? _last;
    private int _headerEpoch = -1;

    public void RunStarted(RunDescription run)
    {
        output.WriteLine($"Model:   {run.Model}, {run.Parameters:N0} parameters, optimizer {run.Optimizer}");
        if (run.InitFrom is { } initFrom) output.WriteLine($"Weights: from {initFrom}; the optimizer starts fresh.");
        if (run.InitialValLoss is { } initial)
            output.WriteLine($"         its val_loss is {initial:F5}: the checkpoint is written only when an epoch does better.");
        output.WriteLine($"Data:    {run.DataDirectory}");
        output.WriteLine($"Device:  {run.Device}, {run.Threads} thread(s), {run.Precision}");
        output.WriteLine($"Train:   {run.TrainCount:N0} images, validation: {run.ValidationCount:N0}, "
                         + $"{run.StepsPerEpoch:N0} steps of {run.BatchSize} per epoch");
        if (run.ResumedAfterEpoch > 0) output.WriteLine($"Resuming after epoch {run.ResumedAfterEpoch} of {run.Epochs}.");
    }

    public void StepCompleted(StepProgress step)
    {
        _last = step;
        Header(step.Epoch, step.Epochs);
        if (!interactive) return;
        double perStep = step.Elapsed.TotalSeconds / step.Step;
        string timing = step.Step < step.Steps
            ? $"ETA: {Seconds(perStep * (step.Steps - step.Step))}"
            : $"{Seconds(step.Elapsed.TotalSeconds)} {PerStep(perStep)}";
        output.Write($"\r{Bar(step.Step, step.Steps)} - {timing} - loss: {step.Loss:F4} - accuracy: {step.Accuracy:F4}\u001b[K");
        output.Flush();
    }

    public void EpochCompleted(EpochRecord record, EpochOutcome outcome)
    {
        Header(record.Epoch - 1, _last?.Epochs ?? record.Epoch);
        int steps = _last?.Steps ?? 0;
        double perStep = steps > 0 ? record.Seconds / steps : 0;
        string line = $"{Bar(steps, steps)} - {Seconds(record.Seconds)} {PerStep(perStep)} - loss: {record.Loss:F4} - accuracy: {record.Accuracy:F4}"
                      + $" - val_loss: {record.ValLoss:F4} - val_accuracy: {record.ValAccuracy:F4}";
        // Keras' Progbar writes a value of 1e-3 or less in scientific notation, as a small learning rate is.
        if (record.LearningRate is double rate)
            line += Math.Abs(rate) > 1e-3 ? $" - learning_rate: {rate:F4}" : $" - learning_rate: {rate.ToString("0.0000e+00", System.Globalization.CultureInfo.InvariantCulture)}";
        output.WriteLine(interactive ? $"\r{line}\u001b[K" : line);
        if (outcome.ReducedLearningRate is double reduced)
            output.WriteLine($"Epoch {record.Epoch}: ReduceLROnPlateau reducing learning rate to {reduced.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.");
        if (outcome.CheckpointSaved) output.WriteLine($"  val_loss improved to {record.ValLoss:F5}: checkpoint saved");
        if (outcome.StopsEarly) output.WriteLine($"Epoch {record.Epoch}: early stopping (val_loss did not improve for {outcome.Patience} epochs)");
    }

    private void Header(int epoch, int epochs)
    {
        if (epoch == _headerEpoch) return;
        _headerEpoch = epoch;
        output.WriteLine($"Epoch {epoch + 1}/{epochs}");
    }

    private static string Bar(int step, int steps)
    {
        int width = steps.ToString().Length;
        int filled = steps == 0 ? BarWidth : (int)((long)BarWidth * step / steps);
        string bar = filled >= BarWidth ? new string('=', BarWidth) : new string('=', filled) + ">" + new string('.', BarWidth - filled - 1);
        return $"{step.ToString().PadLeft(width)}/{steps} [{bar}]";
    }

    /// <summary>Time per step as Keras prints it: milliseconds, or microseconds below one (a dense model's step).</summary>
    private static string PerStep(double seconds) => seconds >= 0.001 ? $"{seconds * 1000:F0}ms/step" : $"{seconds * 1e6:F0}us/step";

    private static string Seconds(double seconds) => seconds >= 3600
        ? $"{(int)(seconds / 3600)}:{(int)(seconds % 3600 / 60):00}:{(int)(seconds % 60):00}"
        : seconds >= 60 ? $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}" : $"{seconds:F0}s";
}
