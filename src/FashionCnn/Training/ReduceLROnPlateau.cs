using System.Globalization;
using System.Text.Json;

namespace FashionCnn.Training;

/// <summary>
/// Keras' <c>ReduceLROnPlateau</c> arguments (keras/src/callbacks/reduce_lr_on_plateau.py), with its defaults: after
/// <see cref="Patience"/> epochs without an improvement of <see cref="Monitor"/> by more than <see cref="MinDelta"/>, the
/// learning rate is multiplied by <see cref="Factor"/>, never below <see cref="MinLr"/>; then <see cref="Cooldown"/> epochs
/// pass before waiting starts again. <see cref="Mode"/> auto minimises a loss and maximises an accuracy.
/// </summary>
public sealed record PlateauSettings
{
    public string Monitor { get; init; } = "val_loss";
    public double Factor { get; init; } = 0.1;
    public int Patience { get; init; } = 10;
    public string Mode { get; init; } = "auto";
    public double MinDelta { get; init; } = 1e-4;
    public int Cooldown { get; init; }
    public double MinLr { get; init; }

    /// <summary>The History keys a run has to monitor.</summary>
    public static readonly IReadOnlyList<string> Monitors = ["val_loss", "val_accuracy", "loss", "accuracy"];

    /// <summary>Whether a higher value is better: Keras' monitor_op, greater for max (and an accuracy under auto).</summary>
    public bool Maximises => Mode == "max" || Mode == "auto" && Monitor.EndsWith("accuracy", StringComparison.Ordinal);

    public PlateauSettings Validated()
    {
        Require(Monitors.Contains(Monitor), $"--plateau-monitor must be {string.Join(", ", Monitors)} (got {Monitor}).");
        // Keras refuses factor >= 1 ("does not support a factor >= 1.0"); 0 or less would make the rate 0 or negative.
        Require(Factor > 0 && Factor < 1, $"--plateau-factor must be above 0 and below 1, as Keras' ReduceLROnPlateau requires (got {Format(Factor)}).");
        Require(Patience >= 0, $"--plateau-patience must be 0 or more (got {Patience}).");
        Require(Mode is "auto" or "min" or "max", $"--plateau-mode must be auto, min or max (got {Mode}).");
        Require(MinDelta >= 0 && double.IsFinite(MinDelta), $"--plateau-min-delta must be 0 or more (got {Format(MinDelta)}).");
        Require(Cooldown >= 0, $"--plateau-cooldown must be 0 or more (got {Cooldown}).");
        Require(MinLr >= 0 && double.IsFinite(MinLr), $"--plateau-min-lr must be 0 or more (got {Format(MinLr)}).");
        return this;
    }

    /// <summary>One line for the user and the report.</summary>
    public string Describe() =>
        $"ReduceLROnPlateau (monitor {Monitor}, factor {Format(Factor)}, patience {Patience}, mode {Mode}, min_delta {Format(MinDelta)}, cooldown {Cooldown}, min_lr {Format(MinLr)})";

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new FashionCnnException(message);
    }
}

/// <summary>What ReduceLROnPlateau carries from epoch to epoch, and what a resume file keeps of it.</summary>
public sealed record PlateauState(double? Best, int Wait, int CooldownCounter);

/// <summary>
/// Keras' <c>ReduceLROnPlateau.on_epoch_end</c>, with its state (best value, wait, cooldown counter) held here. Given an
/// epoch's record and the optimizer's rate, it says the new rate when it reduces one.
/// </summary>
public sealed class ReduceLROnPlateau(PlateauSettings settings) : ITrainingCallback
{
    public string Name => "reduce_lr_on_plateau";

    public PlateauSettings Settings { get; } = settings;

    public PlateauState State { get; private set; } = new(null, 0, 0);

    /// <summary>The rate the last epoch reduced the learning rate to; null when it stayed.</summary>
    public double? Reduced { get; private set; }

    /// <summary>Continues a resumed run from where its last epoch left the callback.</summary>
    public void Restore(PlateauState state) => State = state;

    public void OnEpochEnd(EpochEnd end)
    {
        Reduced = OnEpochEnd(end.Record, end.Optimizer.CurrentLearningRate);
        if (Reduced is double rate) end.Optimizer.SetLearningRate(rate);
    }

    public JsonElement SaveState() => CallbackState.Save(State);

    public void RestoreState(JsonElement state, int completedEpochs)
    {
        var saved = CallbackState.Read<PlateauState>(state, Name);
        if (saved.Wait < 0 || saved.CooldownCounter < 0)
            throw ResumeFile.Damaged($"the state of {Name} has a wait of {saved.Wait} and a cooldown of {saved.CooldownCounter}");
        State = saved;
    }

    /// <summary>The reduced learning rate when this epoch ends a plateau; null when the rate stays.</summary>
    public double? OnEpochEnd(EpochRecord record, double learningRate)
    {
        double current = Settings.Monitor switch
        {
            "val_loss" => record.ValLoss,
            "val_accuracy" => record.ValAccuracy,
            "loss" => record.Loss,
            "accuracy" => record.Accuracy,
            _ => throw new InvalidOperationException($"No monitor {Settings.Monitor}."),
        };
        var (best, wait, cooldown) = State;
        double? reduced = null;
        if (cooldown > 0)
        {
            cooldown--;
            wait = 0;
        }
        if (IsImprovement(current, best))
        {
            best = current;
            wait = 0;
        }
        else if (cooldown == 0 && ++wait >= Settings.Patience)
        {
            // Keras compares the rate with float32(min_lr) and reduces only a rate above it.
            if (learningRate > Settings.MinLr)
            {
                reduced = Math.Max(learningRate * Settings.Factor, Settings.MinLr);
                cooldown = Settings.Cooldown;
                wait = 0;
            }
        }
        State = new PlateauState(best, wait, cooldown);
        return reduced;
    }

    /// <summary>Keras' MonitorCallback._is_improvement: beyond the best by more than min_delta, in the monitor's direction.</summary>
    private bool IsImprovement(double current, double? best) =>
        best is not double b || (Settings.Maximises ? current - Settings.MinDelta > b : current + Settings.MinDelta < b);
}
