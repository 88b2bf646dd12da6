using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Model;

/// <summary>
/// A <see cref="ModelSpec"/> as Keras' Sequential <c>model_config</c> JSON: what <c>model.to_json()</c> writes
/// and what .h5 and .keras files carry. Writing produces the subset this tool needs; reading accepts
/// both Keras 2 (<c>batch_input_shape</c>) and Keras 3 (<c>batch_shape</c>, <c>build_config</c>) configs and
/// refuses any layer or option it cannot reproduce exactly.
/// </summary>
public static class KerasModelConfig
{
    public static string ToJson(ModelSpec spec)
    {
        var layers = new JsonArray
        {
            Layer("InputLayer", new JsonObject
            {
                ["name"] = "input_layer",
                ["batch_input_shape"] = new JsonArray([null, .. spec.InputShape.Dimensions.Select(d => (JsonNode?)d)]),
            }),
        };
        foreach (var layer in spec.Layers)
        {
            layers.Add(layer switch
            {
                Conv2D conv => Layer("Conv2D", new JsonObject
                {
                    ["name"] = conv.Name, ["filters"] = conv.Filters,
                    ["kernel_size"] = new JsonArray(conv.KernelSize, conv.KernelSize), ["strides"] = new JsonArray(conv.Strides, conv.Strides),
                    ["padding"] = conv.SamePadding ? "same" : "valid", ["activation"] = ActivationName(conv.Activation),
                }),
                MaxPooling2D pool => Layer("MaxPooling2D", new JsonObject
                {
                    ["name"] = pool.Name, ["pool_size"] = new JsonArray(pool.PoolSize, pool.PoolSize),
                    ["strides"] = new JsonArray(pool.Stride, pool.Stride), ["padding"] = "valid",
                }),
                Rescaling rescale => Layer("Rescaling", new JsonObject
                {
                    ["name"] = rescale.Name, ["scale"] = rescale.Scale, ["offset"] = rescale.Offset,
                }),
                BatchNormalization norm => Layer("BatchNormalization", new JsonObject
                {
                    ["name"] = norm.Name, ["axis"] = -1, ["epsilon"] = norm.Epsilon, ["center"] = true, ["scale"] = true,
                }),
                Flatten flatten => Layer("Flatten", new JsonObject { ["name"] = flatten.Name }),
                Dense dense => Layer("Dense", new JsonObject
                {
                    ["name"] = dense.Name, ["units"] = dense.Units, ["activation"] = ActivationName(dense.Activation),
                }),
                Dropout dropout => Layer("Dropout", new JsonObject { ["name"] = dropout.Name, ["rate"] = dropout.Rate }),
                _ => throw new InvalidOperationException($"no Keras config for {layer.GetType().Name}"),
            });
        }
        var root = new JsonObject
        {
            ["class_name"] = "Sequential",
            ["config"] = new JsonObject { ["name"] = "sequential", ["layers"] = layers },
        };
        return root.ToJsonString();
    }

    /// <summary>Reads a Sequential config; <paramref name="source"/> names the file in error messages.</summary>
    public static ModelSpec Parse(string json, string source)
    {
        try
        {
            return ParseConfig(json, source);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            // A value of the wrong JSON kind where the config format has a number, a string or a list.
            throw new FashionCnnException($"{source}: model config is malformed ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static ModelSpec ParseConfig(string json, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FashionCnnException($"{source}: model config is not valid JSON ({e.Message})", e); }

        if (root?["class_name"]?.GetValue<string>() != "Sequential")
            throw new FashionCnnException($"{source}: only Keras Sequential models are supported, this is a {root?["class_name"] ?? "model without class_name"}.");
        var layerNodes = root["config"]?["layers"]?.AsArray()
            ?? throw new FashionCnnException($"{source}: model config has no layer list.");

        TensorShape? input = null;
        var layers = new List<Layer>();
        foreach (var node in layerNodes)
        {
            string type = node?["class_name"]?.GetValue<string>() ?? "?";
            var config = node?["config"]?.AsObject() ?? new JsonObject();
            input ??= InputShape(config) ?? InputShape(node?["build_config"]?.AsObject());
            if (type == "InputLayer") continue;
            string name = config["name"]?.GetValue<string>() ?? throw new FashionCnnException($"{source}: a {type} layer has no name.");
            layers.Add(type switch
            {
                "Conv2D" => ParseConv(config, name, source),
                "MaxPooling2D" => ParsePool(config, name, source),
                "Flatten" => new Flatten(name),
                "Dense" => ParseDense(config, name, source),
                "Dropout" => new Dropout(name, config["rate"]?.GetValue<double>() ?? 0),
                "Rescaling" => new Rescaling(name, Number(config, "scale", 1, name, source), Number(config, "offset", 0, name, source)),
                "BatchNormalization" => ParseBatchNormalization(config, name, source),
                "Sequential" or "Functional" or "Model" => throw new FashionCnnException(
                    $"{source}: layer {name} is a nested {type} model, which this tool cannot run; save the model flat."),
                _ => throw new FashionCnnException(
                    $"{source}: layer {name} is a {type}, which this tool cannot run (supported: InputLayer, Rescaling, BatchNormalization, Conv2D, MaxPooling2D, Flatten, Dense, Dropout)."),
            });
        }
        if (input is null)
            throw new FashionCnnException($"{source}: model config does not say its input shape.");
        var spec = new ModelSpec(input, layers);
        spec.Shapes(); // every layer must accept its input
        return spec;
    }

    private static JsonObject Layer(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

    private static string ActivationName(Activation activation) => activation.ToString().ToLowerInvariant();

    private static TensorShape? InputShape(JsonObject? config)
    {
        var shape = config?["batch_input_shape"] ?? config?["batch_shape"] ?? config?["input_shape"];
        if (shape is not JsonArray array) return null;
        var dims = array.Skip(array.Count == 4 || array.Count == 2 ? 1 : 0).Select(d => d?.GetValue<int>() ?? -1).ToArray();
        return dims.All(d => d > 0) ? new TensorShape(dims) : null;
    }

    private static Conv2D ParseConv(JsonObject config, string name, string source)
    {
        int kernel = Square(config, "kernel_size", name, source);
        int strides = config["strides"] is null ? 1 : Square(config, "strides", name, source);
        RequireChannelsLast(config, name, source);
        if (config["use_bias"]?.GetValue<bool>() == false)
            throw new FashionCnnException($"{source}: layer {name} (Conv2D) has no bias, which this tool cannot run.");
        if (config["dilation_rate"] is JsonArray dilation && dilation.Any(d => d?.GetValue<int>() != 1))
            throw new FashionCnnException($"{source}: layer {name} (Conv2D) is dilated, which this tool cannot run.");
        if (config["groups"]?.GetValue<int>() is int groups && groups != 1)
            throw new FashionCnnException($"{source}: layer {name} (Conv2D) is grouped, which this tool cannot run.");
        var activation = Activation(config, name, source);
        if (activation == Model.Activation.Softmax)
            throw new FashionCnnException($"{source}: layer {name} (Conv2D) uses softmax; supported for Conv2D: relu, linear.");
        return new Conv2D(name, Int(config, "filters", source), kernel, activation, Padding(config, name, source) == "same", strides);
    }

    private static MaxPooling2D ParsePool(JsonObject config, string name, string source)
    {
        int pool = Square(config, "pool_size", name, source);
        int strides = config["strides"] is null || config["strides"] is JsonValue { } v && v.GetValueKind() == JsonValueKind.Null
            ? pool
            : Square(config, "strides", name, source);
        RequireChannelsLast(config, name, source);
        if (Padding(config, name, source) != "valid")
            throw new FashionCnnException($"{source}: layer {name} (MaxPooling2D) uses same padding; only valid is supported.");
        return new MaxPooling2D(name, pool, strides == pool ? null : strides);
    }

    private static Dense ParseDense(JsonObject config, string name, string source)
    {
        if (config["use_bias"]?.GetValue<bool>() == false)
            throw new FashionCnnException($"{source}: layer {name} (Dense) has no bias, which this tool cannot run.");
        return new Dense(name, Int(config, "units", source), Activation(config, name, source));
    }

    private static BatchNormalization ParseBatchNormalization(JsonObject config, string name, string source)
    {
        var axis = config["axis"];
        int[] axes = axis is JsonArray list ? list.Select(a => a!.GetValue<int>()).ToArray() : [axis?.GetValue<int>() ?? -1];
        if (axes is not ([-1] or [3] or [1]))
            throw new FashionCnnException($"{source}: layer {name} (BatchNormalization) normalises axis {axis?.ToJsonString()}; only the channel axis (-1) is supported.");
        if (config["center"]?.GetValue<bool>() == false || config["scale"]?.GetValue<bool>() == false)
            throw new FashionCnnException($"{source}: layer {name} (BatchNormalization) lacks beta or gamma (center/scale false), which this tool cannot run.");
        return new BatchNormalization(name, Number(config, "epsilon", 0.001, name, source));
    }

    private static string Padding(JsonObject config, string name, string source) =>
        config["padding"]?.GetValue<string>() switch
        {
            null or "valid" => "valid",
            "same" => "same",
            var other => throw new FashionCnnException($"{source}: layer {name} uses padding '{other}'; supported: same, valid."),
        };

    private static void RequireChannelsLast(JsonObject config, string name, string source)
    {
        if (config["data_format"]?.GetValue<string>() is { } format && format != "channels_last")
            throw new FashionCnnException($"{source}: layer {name} uses {format}; only channels_last is supported.");
    }

    private static double Number(JsonObject config, string key, double fallback, string name, string source)
    {
        var node = config[key];
        if (node is null) return fallback;
        try { return node.GetValue<double>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new FashionCnnException($"{source}: layer {name} has {key} {node.ToJsonString()}; only a single number is supported.");
        }
    }

    private static int Square(JsonObject config, string key, string name, string source)
    {
        var node = config[key];
        int[] sizes = node is JsonArray array ? array.Select(v => v!.GetValue<int>()).ToArray() : [node?.GetValue<int>() ?? 0];
        if (sizes.Length == 0 || sizes.Any(s => s != sizes[0] || s <= 0))
            throw new FashionCnnException($"{source}: layer {name} has {key} {node?.ToJsonString()}; only square sizes are supported.");
        return sizes[0];
    }

    private static int Int(JsonObject config, string key, string source) =>
        config[key]?.GetValue<int>() is int value and > 0
            ? value
            : throw new FashionCnnException($"{source}: layer {config["name"]} lacks a positive {key}.");

    private static Activation Activation(JsonObject config, string name, string source) =>
        (config["activation"]?.GetValue<string>() ?? "linear") switch
        {
            "relu" => Model.Activation.Relu,
            "softmax" => Model.Activation.Softmax,
            "linear" => Model.Activation.Linear,
            var other => throw new FashionCnnException(
                $"{source}: layer {name} uses activation '{other.ToString(CultureInfo.InvariantCulture)}'; supported: relu, softmax, linear."),
        };
}
