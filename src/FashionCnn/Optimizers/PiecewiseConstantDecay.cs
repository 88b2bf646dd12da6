using System.Text.Json.Nodes;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' <c>PiecewiseConstantDecay</c>: values[0] while step ≤ boundaries[0], values[i] while
/// boundaries[i−1] &lt; step ≤ boundaries[i], the last value after the last boundary. Keras casts the boundaries to the
/// step's integer type, so they are whole numbers of steps here.
/// </summary>
public sealed record PiecewiseConstantDecay(IReadOnlyList<long> Boundaries, IReadOnlyList<double> Values) : LearningRateSchedule
{
    public override double At(long step)
    {
        for (int i = 0; i < Boundaries.Count; i++)
            if (step <= Boundaries[i]) return Values[i];
        return Values[^1];
    }

    public override string ClassName => "PiecewiseConstantDecay";

    public override string OptionName => "piecewise";

    protected override JsonObject Config() => new()
    {
        ["boundaries"] = new JsonArray([.. Boundaries.Select(b => JsonValue.Create(b))]),
        ["values"] = new JsonArray([.. Values.Select(v => JsonValue.Create(v))]),
        ["name"] = "PiecewiseConstant",
    };

    public override string Describe() =>
        $"piecewise (boundaries {string.Join(",", Boundaries)}, values {string.Join(",", Values.Select(Format))})";

    internal static PiecewiseConstantDecay FromConfig(ConfigReader config)
    {
        double[] boundaries = config.Numbers("boundaries");
        foreach (double b in boundaries)
            Require(b == Math.Floor(b) && Math.Abs(b) < 1e15, config.Source, $"boundaries are optimizer steps, whole numbers (got {Format(b)}).");
        return new PiecewiseConstantDecay(boundaries.Select(b => (long)b).ToArray(), config.Numbers("values"));
    }

    public override LearningRateSchedule Validated(string source)
    {
        Require(Boundaries.Count == Values.Count - 1, source,
            $"the length of boundaries should be 1 less than the length of values (got {Boundaries.Count} boundaries and {Values.Count} values).");
        Require(Boundaries.Count >= 1, source, "piecewise needs at least one boundary.");
        for (int i = 1; i < Boundaries.Count; i++)
            Require(Boundaries[i] > Boundaries[i - 1], source, $"boundaries must increase (got {Boundaries[i - 1]} then {Boundaries[i]}).");
        foreach (double v in Values)
            Require(v > 0 && double.IsFinite(v), source, $"every value is a learning rate, a positive number (got {Format(v)}).");
        return this;
    }
}
