using System.Text.Json.Nodes;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' <c>CosineDecay</c> with its optional linear warm-up. Without <paramref name="WarmupTarget"/>:
/// lr = initial · ((1 − α)·½(1 + cos(π·min(step, decay_steps)/decay_steps)) + α). With it, the rate first rises linearly from
/// initial to the target over <paramref name="WarmupSteps"/> steps, then decays the same way from the target, the step
/// counted from the warm-up's end.
/// </summary>
public sealed record CosineDecay(double InitialLearningRate, double DecaySteps, double Alpha = 0, double? WarmupTarget = null, double WarmupSteps = 0)
    : LearningRateSchedule
{
    public override double At(long step)
    {
        if (WarmupTarget is not double target) return Decayed(Math.Min(step, DecaySteps), InitialLearningRate);
        double s = Math.Min(step, DecaySteps + WarmupSteps);
        return s < WarmupSteps
            ? (target - InitialLearningRate) * (s / WarmupSteps) + InitialLearningRate
            : Decayed(s - WarmupSteps, target);
    }

    private double Decayed(double step, double from)
    {
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * (step / DecaySteps)));
        return from * ((1 - Alpha) * cosine + Alpha);
    }

    public override string ClassName => "CosineDecay";

    public override string OptionName => "cosine";

    protected override JsonObject Config() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["alpha"] = Alpha, ["name"] = ClassName,
        ["warmup_target"] = WarmupTarget, ["warmup_steps"] = WarmupSteps,
    };

    public override string Describe() =>
        $"cosine (initial {Format(InitialLearningRate)}, decay_steps {Format(DecaySteps)}, alpha {Format(Alpha)}"
        + (WarmupTarget is double t ? $", warmup_target {Format(t)}, warmup_steps {Format(WarmupSteps)})" : ")");

    internal static CosineDecay FromConfig(ConfigReader config) =>
        new(config.Number("initial_learning_rate"), config.Number("decay_steps"), config.Number("alpha", 0.0),
            config.OptionalNumber("warmup_target"), config.Number("warmup_steps", 0.0));

    public override LearningRateSchedule Validated(string source)
    {
        // A warm-up may start from 0 (Keras' own example does); without one, the decay starts from the initial rate.
        Require(InitialLearningRate >= 0 && double.IsFinite(InitialLearningRate) && (InitialLearningRate > 0 || WarmupTarget is not null), source,
            $"the initial learning rate must be a positive number, or 0 before a warm-up (got {Format(InitialLearningRate)}).");
        Require(DecaySteps > 0 && double.IsFinite(DecaySteps), source, $"decay_steps must be > 0 (got {Format(DecaySteps)}).");
        Require(Alpha >= 0 && Alpha <= 1, source, $"alpha is the fraction of the rate the decay ends at, from 0 to 1 (got {Format(Alpha)}).");
        Require(WarmupTarget is null || WarmupTarget > 0 && double.IsFinite(WarmupTarget.Value), source,
            $"warmup_target must be a positive number (got {Format(WarmupTarget ?? 0)}).");
        Require(WarmupSteps >= 0 && double.IsFinite(WarmupSteps), source, $"warmup_steps must be 0 or more (got {Format(WarmupSteps)}).");
        Require(WarmupSteps == 0 || WarmupTarget is not null, source, "warmup_steps needs a warmup_target to warm up to.");
        return this;
    }
}
