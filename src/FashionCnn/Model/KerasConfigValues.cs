using FashionCnn.Model.Layers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Model;

/// <summary>
/// The values of one layer's Keras config, read strictly: a missing, null or wrongly typed value is one error
/// naming the file, the layer and the key, never an exception from the JSON library.
/// </summary>
internal sealed class KerasConfigValues(JsonObject config, string layer, string className, string source)
{
    public string Layer => layer;

    public string Source => source;

    public bool IsList(string key) => config[key] is JsonArray;

    public bool Has(string key) => config[key] is not null && config[key]!.GetValueKind() != JsonValueKind.Null;

    /// <summary>The value at <paramref name="key"/>, or null when it is absent or JSON null.</summary>
    public JsonNode? Node(string key) => Has(key) ? config[key] : null;

    public FashionCnnException Error(string what) => new($"{source}: layer {layer} ({className}) {what}.");

    public string? String(string key) => config[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        var other => throw Error($"has {key} {other.ToJsonString()}, not a string"),
    };

    public bool Bool(string key, bool fallback) => config[key] switch
    {
        null => fallback,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        var other => throw Error($"has {key} {other.ToJsonString()}, not true or false"),
    };

    public double Number(string key, double fallback)
    {
        var node = config[key];
        if (node is null) return fallback;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.IsFinite(v.GetValue<double>())) return v.GetValue<double>();
        throw Error($"has {key} {node.ToJsonString()}; only a single finite number is supported");
    }

    /// <summary>A positive whole number no larger than <paramref name="max"/>.</summary>
    public int PositiveInt(string key, int max)
    {
        var node = config[key];
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long value) && value > 0)
            return value <= max ? (int)value : throw Error($"has {key} {value:N0}; this tool allows at most {max:N0}");
        throw Error(node is null ? $"lacks {key}" : $"has {key} {node.ToJsonString()}, not a positive whole number");
    }

    /// <summary>A whole-number list such as a shape; null entries become -1 (Keras' None).</summary>
    public int[]? Ints(string key)
    {
        var node = config[key];
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return null;
        if (node is not JsonArray array) throw Error($"has {key} {node.ToJsonString()}, not a list");
        return array.Select(item => item switch
        {
            null => -1,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int n) => n,
            _ => throw Error($"has {key} {node.ToJsonString()}, not a list of whole numbers"),
        }).ToArray();
    }

    /// <summary>A square size given as one number or a list of equal numbers (kernel_size, pool_size, strides).</summary>
    public int Square(string key, int max, int? fallback = null)
    {
        var node = config[key];
        if ((node is null || node.GetValueKind() == JsonValueKind.Null) && fallback is int value) return value;
        int[] sizes = node is JsonArray ? Ints(key)! : node is JsonValue ? [PositiveInt(key, max)] : [];
        if (sizes.Length == 0 || sizes.Any(s => s != sizes[0] || s <= 0))
            throw Error($"has {key} {node?.ToJsonString() ?? "null"}; only square sizes are supported");
        if (sizes[0] > max) throw Error($"has {key} {sizes[0]:N0}; this tool allows at most {max:N0}");
        return sizes[0];
    }

    public bool SamePadding()
    {
        return String("padding") switch
        {
            null or "valid" => false,
            "same" => true,
            var other => throw Error($"uses padding '{other}'; supported: same, valid"),
        };
    }

    public void RequireChannelsLast()
    {
        if (String("data_format") is { } format && format != "channels_last")
            throw Error($"uses {format}; only channels_last is supported");
    }

    /// <summary>
    /// The activation: a name ("relu"), or Keras 3's serialised form of a built-in function
    /// ({"module": "keras.activations", "class_name": "function", "config": "relu"}).
    /// </summary>
    public Activation Activation()
    {
        var node = config["activation"];
        string name = node switch
        {
            null => "linear",
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => "linear",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject o when o["config"] is JsonValue c && c.GetValueKind() == JsonValueKind.String => c.GetValue<string>(),
            _ => throw Error($"has activation {node.ToJsonString()}, which this tool cannot read"),
        };
        return Activations.FromKerasName(name)
               ?? throw Error($"uses activation '{name.ToString(CultureInfo.InvariantCulture)}'; supported: {Activations.Supported}");
    }
}
