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

    /// <summary>SGD's momentum (Keras default 0: plain gradient descent).</summary>
    public double Momentum { get; init; }

    /// <summary>SGD with Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>RMSprop's decay of the squared-gradient average (Keras default 0.9).</summary>
    public double Rho { get; init; } = 0.9;

    /// <summary>A Keras learning-rate schedule that sets the rate of every step; null for a constant rate (which ReduceLROnPlateau may lower).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    public const double Epsilon = 1e-7;

    /// <summary>The rate of the first step: the schedule's at step 0, else the given or default rate.</summary>
    public double EffectiveLearningRate => Schedule?.At(0) ?? LearningRate ?? DefaultLearningRate(Kind);

    public static double DefaultLearningRate(OptimizerKind kind) => kind == OptimizerKind.Sgd ? 0.01 : 0.001;

    /// <summary>The name as Keras and the command line spell it.</summary>
    public string Name => Kind.ToString().ToLowerInvariant();

    public static OptimizerKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        "rmsprop" => OptimizerKind.Rmsprop,
        "adagrad" => OptimizerKind.Adagrad,
        _ => throw new FashionCnnException($"--optimizer must be adam, sgd, rmsprop or adagrad (got {name})."),
    };

    /// <summary>Checks every value; an option that the chosen optimizer does not have is an error rather than silently ignored.</summary>
    public OptimizerSettings Validated()
    {
        if (LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
            throw new FashionCnnException($"--learning-rate must be a positive number (got {lr}).");
        if (LearningRate is not null && Schedule is not null)
            throw new FashionCnnException("a learning rate and a learning-rate schedule together: the schedule sets the rate of every step.");
        if (Kind != OptimizerKind.Sgd && (Momentum != 0 || Nesterov))
            throw new FashionCnnException($"--momentum and --nesterov are options of --optimizer sgd, not {Name}.");
        if (!(Momentum >= 0 && Momentum < 1))
            throw new FashionCnnException($"--momentum must be at least 0 and below 1 (got {Momentum}).");
        if (Nesterov && Momentum == 0)
            throw new FashionCnnException("--nesterov needs a --momentum above 0.");
        if (Kind != OptimizerKind.Rmsprop && Rho != 0.9)
            throw new FashionCnnException($"--rho is an option of --optimizer rmsprop, not {Name}.");
        if (!(Rho > 0 && Rho < 1))
            throw new FashionCnnException($"--rho must be above 0 and below 1 (got {Rho}).");
        return this;
    }

    /// <summary>One line for the user: "adam (learning rate 0.001)".</summary>
    public string Describe() => Kind switch
    {
        OptimizerKind.Sgd when Momentum > 0 => $"sgd (learning rate {RateText}, momentum {Format(Momentum)}{(Nesterov ? ", nesterov" : "")})",
        OptimizerKind.Rmsprop => $"rmsprop (learning rate {RateText}, rho {Format(Rho)})",
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
            ["momentum"] = Momentum,
            ["nesterov"] = Nesterov,
            ["rho"] = Rho,
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
