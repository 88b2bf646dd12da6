using System.Text.Json;
using System.Text.Json.Nodes;
using FashionCnn.Model.Layers;

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
    public static string SupportedLayers => LayerKinds.Supported;

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
        foreach (var layer in spec.Layers) layers.Add(Layer(layer.KerasClass, layer.KerasConfig()));
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

    private static Layer ParseLayer(string type, KerasConfigValues c) => LayerKinds.Read(type, c) ?? type switch
    {
        "Sequential" or "Functional" or "Model" => throw new FashionCnnException($"{c.Source}: layer {c.Layer} is a nested {type} model, which this tool cannot run; save the model flat."),
        _ => throw new FashionCnnException($"{c.Source}: layer {c.Layer} is a {type}, which this tool cannot run (supported: {SupportedLayers})."),
    };

    private static string Name(JsonObject config, string type, string source) => config["name"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0 => v.GetValue<string>(),
        _ => throw new FashionCnnException($"{source}: a {type} layer has no name."),
    };

    private static JsonObject Layer(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

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
}
