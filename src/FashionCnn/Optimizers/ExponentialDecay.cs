using System.Text.Json.Nodes;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' <c>ExponentialDecay</c>: lr = initial · decay_rate^(step / decay_steps), the exponent floored when
/// <paramref name="Staircase"/> (the rate falls once every decay_steps steps).
/// </summary>
public sealed record ExponentialDecay(double InitialLearningRate, double DecaySteps, double DecayRate, bool Staircase = false) : LearningRateSchedule
{
    public override double At(long step)
    {
        double p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate * Math.Pow(DecayRate, p);
    }

    public override string ClassName => "ExponentialDecay";

    public override string OptionName => "exponential";

    protected override JsonObject Config() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase, ["name"] = ClassName,
    };

    public override string Describe() =>
        $"exponential (initial {Format(InitialLearningRate)}, decay_steps {Format(DecaySteps)}, decay_rate {Format(DecayRate)}{(Staircase ? ", staircase" : "")})";

    internal static ExponentialDecay FromConfig(ConfigReader config) =>
        new(config.Number("initial_learning_rate"), config.Number("decay_steps"), config.Number("decay_rate"), config.Flag("staircase"));

    public override LearningRateSchedule Validated(string source)
    {
        Require(InitialLearningRate > 0 && double.IsFinite(InitialLearningRate), source, $"the initial learning rate must be a positive number (got {Format(InitialLearningRate)}).");
        Require(DecaySteps > 0 && double.IsFinite(DecaySteps), source, $"decay_steps must be > 0 (got {Format(DecaySteps)}).");
        Require(DecayRate > 0 && double.IsFinite(DecayRate), source, $"decay_rate must be a positive number (got {Format(DecayRate)}).");
        return this;
    }
}
