using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Optimizers;

/// <summary>The optimizers of Keras' <c>compile(optimizer=...)</c> that this tool trains with.</summary>
public enum OptimizerKind { Adam, Sgd, Rmsprop, Adagrad }

/// <summary>
/// Which optimizer a run uses and its hyperparameters, with Keras 3's defaults where the user gives none:
/// Adam lr 0.001 (β1 0.9, β2 0.999, ε 1e-7); SGD lr 0.01, momentum 0; RMSprop lr 0.001, ρ 0.9, ε 1e-7;
/// Adagrad lr 0.001, initial accumulator 0.1, ε 1e-7.
/// </summary>
public sealed record OptimizerSettings
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Null for the optimizer's Keras default.</summary>
    public double? LearningRate { get; init; }

    /// <summary>SGD's momentum; null for Keras' default 0 (plain gradient descent). Given for another optimizer, it is refused.</summary>
    public double? Momentum { get; init; }

    /// <summary>SGD with Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>RMSprop's decay of the squared-gradient average; null for Keras' default 0.9. Given for another optimizer, it is refused.</summary>
    public double? Rho { get; init; }

    public const double DefaultMomentum = 0, DefaultRho = 0.9;

    /// <summary>The momentum SGD uses: the given one or Keras' default.</summary>
    public double EffectiveMomentum => Momentum ?? DefaultMomentum;

    /// <summary>The rho RMSprop uses: the given one or Keras' default.</summary>
    public double EffectiveRho => Rho ?? DefaultRho;

    /// <summary>A Keras learning-rate schedule that sets the rate of every step; null for a constant rate (which ReduceLROnPlateau may lower).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    public const double Epsilon = 1e-7;

    /// <summary>The rate of the first step: the schedule's at step 0, else the given or default rate.</summary>
    public double EffectiveLearningRate => Schedule?.At(0) ?? LearningRate ?? DefaultLearningRate(Kind);

    public static double DefaultLearningRate(OptimizerKind kind) => kind == OptimizerKind.Sgd ? 0.01 : 0.001;

    /// <summary>The optimizers as Keras and the command line spell them, in the order help lists them.</summary>
    public static readonly Spelling<OptimizerKind> Names = new("--optimizer",
        ("adam", OptimizerKind.Adam), ("sgd", OptimizerKind.Sgd), ("rmsprop", OptimizerKind.Rmsprop), ("adagrad", OptimizerKind.Adagrad));

    /// <summary>The name as Keras and the command line spell it.</summary>
    public string Name => Names.Name(Kind);

    public static OptimizerKind Parse(string name) => Names.Parse(name);

    /// <summary>Checks every value; an option that the chosen optimizer does not have is an error rather than silently ignored.</summary>
    public OptimizerSettings Validated()
    {
        if (LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
            throw new FashionCnnException($"--learning-rate must be a positive number (got {lr}).");
        if (LearningRate is not null && Schedule is not null)
            throw new FashionCnnException("a learning rate and a learning-rate schedule together: the schedule sets the rate of every step.");
        // Any value given for an optimizer that does not have it is refused, Keras' default included (--rho 0.9 with adam).
        if (Kind != OptimizerKind.Sgd && (Momentum is not null || Nesterov))
            throw new FashionCnnException($"--momentum and --nesterov are options of --optimizer sgd, not {Name}.");
        if (Momentum is double momentum && !(momentum >= 0 && momentum < 1))
            throw new FashionCnnException($"--momentum must be at least 0 and below 1 (got {momentum}).");
        if (Nesterov && EffectiveMomentum == 0)
            throw new FashionCnnException("--nesterov needs a --momentum above 0.");
        if (Kind != OptimizerKind.Rmsprop && Rho is not null)
            throw new FashionCnnException($"--rho is an option of --optimizer rmsprop, not {Name}.");
        if (Rho is double rho && !(rho > 0 && rho < 1))
            throw new FashionCnnException($"--rho must be above 0 and below 1 (got {rho}).");
        return this;
    }

    /// <summary>One line for the user: "adam (learning rate 0.001)".</summary>
    public string Describe() => Kind switch
    {
        OptimizerKind.Sgd when EffectiveMomentum > 0 => $"sgd (learning rate {RateText}, momentum {Format(EffectiveMomentum)}{(Nesterov ? ", nesterov" : "")})",
        OptimizerKind.Rmsprop => $"rmsprop (learning rate {RateText}, rho {Format(EffectiveRho)})",
        _ => $"{Name} (learning rate {RateText})",
    };

    private string RateText => Schedule?.Describe() ?? Format(EffectiveLearningRate);

    /// <summary>As recorded in checkpoints and run.json, every hyperparameter explicit; a schedule as Keras serialises it, under learning_rate_schedule.</summary>
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["learning_rate"] = EffectiveLearningRate,
            ["momentum"] = EffectiveMomentum,
            ["nesterov"] = Nesterov,
            ["rho"] = EffectiveRho,
            ["epsilon"] = Epsilon,
        };
        if (Schedule is not null) json[ScheduleKey] = Schedule.ToKerasJson();
        return json.ToJsonString();
    }

    private const string ScheduleKey = "learning_rate_schedule";

    /// <summary>What <see cref="Describe"/> says of settings that <see cref="ToJson"/> wrote; the text itself when it is not such JSON.</summary>
    public static string DescribeJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new OptimizerSettings
            {
                Kind = Parse(root.GetProperty("name").GetString() ?? ""),
                LearningRate = root.GetProperty("learning_rate").GetDouble(),
                Momentum = root.GetProperty("momentum").GetDouble(),
                Nesterov = root.GetProperty("nesterov").GetBoolean(),
                Rho = root.GetProperty("rho").GetDouble(),
                Schedule = root.TryGetProperty(ScheduleKey, out var schedule)
                    ? LearningRateSchedule.FromKerasJson(JsonNode.Parse(schedule.GetRawText()), ScheduleKey) : null,
            }.Describe();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FashionCnnException)
        {
            return json;
        }
    }

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
