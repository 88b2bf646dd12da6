using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Model;

/// <summary>
/// A <see cref="ModelSpec"/> as Keras' Sequential <c>model_config</c> JSON: what <c>model.to_json()</c> writes
/// and what .h5 and .keras files carry. Writing produces the subset this tool needs; reading accepts
/// Keras 2 (<c>batch_input_shape</c>, <c>input_shape</c>) and Keras 3 (<c>batch_shape</c>, <c>build_config</c>)
/// configs and refuses any layer or option it cannot reproduce exactly.
/// </summary>
public static class KerasModelConfig
{
    /// <summary>The layer classes this tool runs, for error messages.</summary>
    public const string SupportedLayers =
        "InputLayer, Rescaling, Reshape, Conv2D, MaxPooling2D, AveragePooling2D, BatchNormalization, Flatten, Dense, Dropout, "
        + "RandomFlip, RandomTranslation, RandomRotation, RandomZoom, RandomContrast";

    // Sanity bounds on single values, far above any model for 28×28 images; the model as a whole is bounded by ModelSpec.Checked.
    private const int MaxFilters = 1 << 20, MaxUnits = 1 << 26, MaxWindow = 1024;

    public static string ToJson(ModelSpec spec)
    {
        var layers = new JsonArray
        {
            Layer("InputLayer", new JsonObject
            {
                ["name"] = "input_layer",
                ["batch_shape"] = new JsonArray([null, .. spec.InputShape.Dimensions.Select(d => (JsonNode?)d)]),
            }),
        };
        foreach (var layer in spec.Layers) layers.Add(Layer(layer.KerasClass, LayerConfig(layer)));
        var root = new JsonObject
        {
            ["class_name"] = "Sequential",
            ["config"] = new JsonObject { ["name"] = "sequential", ["layers"] = layers },
        };
        return root.ToJsonString();
    }

    private static JsonObject LayerConfig(Layer layer) => layer switch
    {
        Conv2D conv => new JsonObject
        {
            ["name"] = conv.Name, ["filters"] = conv.Filters,
            ["kernel_size"] = Pair(conv.KernelSize), ["strides"] = Pair(conv.Strides),
            ["padding"] = conv.SamePadding ? "same" : "valid", ["activation"] = ActivationName(conv.Activation),
        },
        Pooling2D pool => new JsonObject
        {
            ["name"] = pool.Name, ["pool_size"] = Pair(pool.PoolSize),
            ["strides"] = Pair(pool.Stride), ["padding"] = pool.SamePadding ? "same" : "valid",
        },
        Rescaling rescale => new JsonObject { ["name"] = rescale.Name, ["scale"] = rescale.Scale, ["offset"] = rescale.Offset },
        BatchNormalization norm => new JsonObject
        {
            ["name"] = norm.Name, ["axis"] = -1, ["momentum"] = norm.Momentum, ["epsilon"] = norm.Epsilon, ["center"] = true, ["scale"] = true,
        },
        Flatten flatten => new JsonObject { ["name"] = flatten.Name },
        Reshape reshape => new JsonObject { ["name"] = reshape.Name, ["target_shape"] = new JsonArray(reshape.TargetShape.Select(d => (JsonNode?)d).ToArray()) },
        Dense dense => new JsonObject { ["name"] = dense.Name, ["units"] = dense.Units, ["activation"] = ActivationName(dense.Activation) },
        Dropout dropout => new JsonObject { ["name"] = dropout.Name, ["rate"] = dropout.Rate },
        RandomAugmentation augmentation => AugmentationConfig.Write(augmentation),
        _ => throw new InvalidOperationException($"no Keras config for {layer.GetType().Name}"),
    };

    /// <summary>Reads a Sequential config; <paramref name="source"/> names the file in error messages.</summary>
    public static ModelSpec Parse(string json, string source)
    {
        JsonNode? root;
        try { root = JsonFormat.ParseStrict(json); }
        catch (JsonException e) { throw new FashionCnnException($"{source}: model config is not valid JSON ({e.Message.Split('\n')[0].TrimEnd('.')}).", e); }

        string? className = root is JsonObject o && o["class_name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (className != "Sequential")
            throw new FashionCnnException($"{source}: only Keras Sequential models are supported, this is {(className is null ? "a config without class_name" : $"a {className}")}.");
        // Keras 2.0–2.2 wrote the layer list as the config itself; later versions as config.layers.
        var layerNodes = root!["config"] as JsonArray ?? (root["config"] as JsonObject)?["layers"] as JsonArray
            ?? throw new FashionCnnException($"{source}: model config has no layer list.");

        TensorShape? input = InputShape(root["config"] as JsonObject, "build_input_shape", withBatch: true, source)
                             ?? InputShape(root["build_config"] as JsonObject, "input_shape", withBatch: true, source);
        var layers = new List<Layer>();
        foreach (var node in layerNodes)
        {
            if (node is not JsonObject layerNode || layerNode["class_name"] is not JsonValue typeValue || typeValue.GetValueKind() != JsonValueKind.String)
                throw new FashionCnnException($"{source}: the layer list holds {node?.ToJsonString() ?? "null"}, not a layer with a class_name.");
            string type = typeValue.GetValue<string>();
            var config = layerNode["config"] as JsonObject ?? new JsonObject();
            var layerInput = InputShape(config, "batch_input_shape", true, source) ?? InputShape(config, "batch_shape", true, source)
                             ?? InputShape(config, "input_shape", false, source)
                             ?? InputShape(layerNode["build_config"] as JsonObject, "input_shape", true, source);
            if (layers.Count == 0) input = layerInput ?? input;
            if (type == "InputLayer") continue;
            var values = new KerasConfigValues(config, Name(config, type, source), type, source);
            layers.Add(ParseLayer(type, values));
        }
        if (input is null)
            throw new FashionCnnException($"{source}: model config does not say its input shape (no batch_input_shape, batch_shape, input_shape or build_input_shape).");
        return new ModelSpec(input, layers).Checked(source);
    }

    private static Layer ParseLayer(string type, KerasConfigValues c) => type switch
    {
        "Conv2D" => ParseConv(c),
        "MaxPooling2D" => ParsePool(c, average: false),
        "AveragePooling2D" => ParsePool(c, average: true),
        "Flatten" => RequireChannelsLast(c, new Flatten(c.Layer)),
        "Reshape" => new Reshape(c.Layer, c.Ints("target_shape") ?? throw c.Error("lacks target_shape")),
        "Dense" => ParseDense(c),
        "Dropout" => new Dropout(c.Layer, Rate(c)),
        "Rescaling" => new Rescaling(c.Layer, c.Number("scale", 1), c.Number("offset", 0)),
        "BatchNormalization" => ParseBatchNormalization(c),
        _ when AugmentationConfig.Classes.Contains(type) => AugmentationConfig.Parse(type, c),
        "Sequential" or "Functional" or "Model" => throw new FashionCnnException($"{c.Source}: layer {c.Layer} is a nested {type} model, which this tool cannot run; save the model flat."),
        _ => throw new FashionCnnException($"{c.Source}: layer {c.Layer} is a {type}, which this tool cannot run (supported: {SupportedLayers})."),
    };

    private static string Name(JsonObject config, string type, string source) => config["name"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0 => v.GetValue<string>(),
        _ => throw new FashionCnnException($"{source}: a {type} layer has no name."),
    };

    private static JsonObject Layer(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

    private static JsonArray Pair(int value) => new(value, value);

    private static string ActivationName(Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>A shape from <paramref name="key"/>; with <paramref name="withBatch"/> its first entry is the batch and is dropped.</summary>
    private static TensorShape? InputShape(JsonObject? config, string key, bool withBatch, string source)
    {
        if (config?[key] is not JsonArray array) return null;
        var dims = array.Skip(withBatch ? 1 : 0).Select(d => d is JsonValue v && v.TryGetValue(out int n) ? n : -1).ToArray();
        if (dims.Length is < 1 or > 3 || dims.Any(d => d < 1))
            throw new FashionCnnException($"{source}: input shape {array.ToJsonString()} ({key}) is not one this tool runs: 1 to 3 known positive sizes after the batch.");
        try { return new TensorShape(dims); }
        catch (FashionCnnException e) { throw new FashionCnnException($"{source}: input shape {array.ToJsonString()} ({key}): {e.Message}", e); }
    }

    private static T RequireChannelsLast<T>(KerasConfigValues c, T layer)
    {
        c.RequireChannelsLast();
        return layer;
    }

    private static double Rate(KerasConfigValues c)
    {
        double rate = c.Number("rate", 0);
        return rate is >= 0 and < 1 ? rate : throw c.Error($"has rate {rate}; a dropout rate is at least 0 and below 1");
    }

    private static Conv2D ParseConv(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        if (!c.Bool("use_bias", true)) throw c.Error("has no bias, which this tool cannot run");
        if (c.Ints("dilation_rate") is { } dilation && dilation.Any(d => d != 1)) throw c.Error("is dilated, which this tool cannot run");
        if (c.Has("groups") && c.PositiveInt("groups", int.MaxValue) != 1) throw c.Error("is grouped, which this tool cannot run");
        return new Conv2D(c.Layer, c.PositiveInt("filters", MaxFilters), c.Square("kernel_size", MaxWindow), c.Activation(),
            c.SamePadding(), c.Square("strides", MaxWindow, fallback: 1));
    }

    private static Pooling2D ParsePool(KerasConfigValues c, bool average)
    {
        c.RequireChannelsLast();
        int pool = c.Square("pool_size", MaxWindow, fallback: 2);
        int strides = c.Square("strides", MaxWindow, fallback: pool);
        int? stride = strides == pool ? null : strides;
        return average
            ? new AveragePooling2D(c.Layer, pool, stride, c.SamePadding())
            : new MaxPooling2D(c.Layer, pool, stride, c.SamePadding());
    }

    private static Dense ParseDense(KerasConfigValues c)
    {
        if (!c.Bool("use_bias", true)) throw c.Error("has no bias, which this tool cannot run");
        return new Dense(c.Layer, c.PositiveInt("units", MaxUnits), c.Activation());
    }

    private static BatchNormalization ParseBatchNormalization(KerasConfigValues c)
    {
        int[] axes = c.IsList("axis") ? c.Ints("axis")! : [(int)c.Number("axis", -1)];
        if (axes.Length != 1 || axes[0] is 0 or < -1)
            throw c.Error($"normalises axis ({string.Join(", ", axes)}); only the last axis is supported");
        if (!c.Bool("center", true) || !c.Bool("scale", true))
            throw c.Error("lacks beta or gamma (center/scale false), which this tool cannot run");
        double momentum = c.Number("momentum", 0.99), epsilon = c.Number("epsilon", 0.001);
        if (momentum is < 0 or > 1) throw c.Error($"has momentum {momentum}; it must be between 0 and 1");
        if (!(epsilon > 0)) throw c.Error($"has epsilon {epsilon}; it must be positive");
        return new BatchNormalization(c.Layer, epsilon, momentum, axes[0]);
    }
}
