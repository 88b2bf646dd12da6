using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FashionCnn.Files;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' <c>LearningRateSchedule</c> (keras/src/optimizers/schedules/learning_rate_schedule.py): the learning rate as a
/// function of the optimizer's step. Keras calls it with <c>optimizer.iterations</c> before that step's update, so the
/// first update uses <c>At(0)</c>. Keras computes in float32; this computes the same formula in doubles.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate of the update made when <paramref name="step"/> updates are done.</summary>
    public abstract double At(long step);

    /// <summary>Keras' class name, as in <c>{"class_name": …, "config": …}</c>.</summary>
    public abstract string ClassName { get; }

    /// <summary>The name --lr-schedule gives it.</summary>
    public abstract string OptionName { get; }

    /// <summary>Keras' <c>get_config()</c>.</summary>
    protected abstract JsonObject Config();

    /// <summary>One line for the user: "exponential (initial 0.001, decay_steps 1000, decay_rate 0.9)".</summary>
    public abstract string Describe();

    /// <summary>As Keras serialises it in an optimizer's <c>learning_rate</c> (keras.optimizers.schedules.serialize).</summary>
    public JsonObject ToKerasJson() => new()
    {
        ["module"] = "keras.optimizers.schedules",
        ["class_name"] = ClassName,
        ["config"] = Config(),
        ["registered_name"] = null,
    };

    /// <summary>The schedules this tool has, by their --lr-schedule name.</summary>
    public static readonly IReadOnlyList<string> Names = ["exponential", "piecewise", "cosine"];

    /// <summary>Reads Keras' serialised form, <c>{"class_name": "ExponentialDecay", "config": {...}}</c>; <paramref name="source"/> names it in errors.</summary>
    public static LearningRateSchedule FromKerasJson(JsonNode? node, string source)
    {
        if (node is not JsonObject root || root["config"] is not JsonObject config || root["class_name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
            throw new FashionCnnException($"{source}: not a Keras learning-rate schedule (expected {{\"class_name\": …, \"config\": {{…}}}}).");
        var reader = new ConfigReader(config, source);
        var schedule = name.GetValue<string>() switch
        {
            "ExponentialDecay" => (LearningRateSchedule)ExponentialDecay.FromConfig(reader),
            "PiecewiseConstantDecay" => PiecewiseConstantDecay.FromConfig(reader),
            "CosineDecay" => CosineDecay.FromConfig(reader),
            var other => throw new FashionCnnException(
                $"{source}: the schedule {DisplayText.Escape(other)} is not one this tool has (ExponentialDecay, PiecewiseConstantDecay or CosineDecay)."),
        };
        reader.RequireAllRead();
        return schedule.Validated(source);
    }

    /// <summary>A schedule from a JSON file holding Keras' serialised form; <paramref name="option"/> names the file in errors.</summary>
    public static LearningRateSchedule FromFile(string path, string option)
    {
        string source = $"{option} {path}";
        string text = InputFiles.ReadText(path, 1 << 20, option);
        try
        {
            return FromKerasJson(JsonFormat.ParseStrict(text), source);
        }
        catch (JsonException e)
        {
            throw new FashionCnnException($"{source}: not JSON ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
    }

    /// <summary>Checks the arguments as Keras' constructor does (and a few it lets through that make no learning rate).</summary>
    public abstract LearningRateSchedule Validated(string source);

    protected static void Require(bool condition, string source, string message)
    {
        if (!condition) throw new FashionCnnException($"{source}: {message}");
    }

    protected static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>A schedule's config, read key by key; a key no argument reads is an error, as Keras' <c>cls(**config)</c> makes it.</summary>
    protected internal sealed class ConfigReader(JsonObject config, string source)
    {
        private readonly HashSet<string> _read = ["name"];

        public string Source => source;

        public double Number(string key, double? fallback = null)
        {
            _read.Add(key);
            if (config[key] is null && fallback is double d) return d;
            return config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>()
                : throw new FashionCnnException($"{source}: {key} must be a number.");
        }

        public double? OptionalNumber(string key)
        {
            _read.Add(key);
            return config[key] is null ? null : Number(key);
        }

        public bool Flag(string key)
        {
            _read.Add(key);
            return config[key] switch
            {
                null => false,
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                _ => throw new FashionCnnException($"{source}: {key} must be true or false."),
            };
        }

        public double[] Numbers(string key)
        {
            _read.Add(key);
            return config[key] is JsonArray a && a.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                ? a.Select(x => x!.GetValue<double>()).ToArray()
                : throw new FashionCnnException($"{source}: {key} must be a list of numbers.");
        }

        public void RequireAllRead()
        {
            if (config.Select(p => p.Key).FirstOrDefault(k => !_read.Contains(k)) is { } unknown)
                throw new FashionCnnException($"{source}: {DisplayText.Escape(unknown)} is not an argument of this schedule.");
        }
    }
}
