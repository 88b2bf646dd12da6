using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;

namespace FashionCnn.Tests.Interop;

/// <summary>
/// A small Keras Sequential that uses every layer kind the importer supports, with seeded random weights,
/// written as Keras 2 writes a .h5 and as Keras 3 writes a .keras, and evaluated by <see cref="KerasReference"/>.
/// </summary>
internal sealed class KerasTestModel
{
    public const int Height = 10, Width = 10, Channels = 2;
    private readonly Random _random = new(1234);

    // name → Keras variables in Keras' order and layout.
    public Dictionary<string, float[][]> Variables { get; } = new();
    private readonly Dictionary<string, int[][]> _shapes = new();

    public JsonArray Layers { get; } = [];

    public KerasTestModel(bool includeInputLayer = true)
    {
        if (includeInputLayer)
            Layers.Add(Layer("InputLayer", new JsonObject { ["batch_input_shape"] = new JsonArray(null, Height, Width, Channels), ["name"] = "input_1" }));
        Layers.Add(Layer("Rescaling", new JsonObject { ["name"] = "rescaling", ["scale"] = 1 / 255.0, ["offset"] = 0.1 }));
        Layers.Add(Layer("Conv2D", Conv("conv2d", 3, stride: 2, padding: "same", activation: "relu")));
        AddVariables("conv2d", [3, 3, Channels, 3], [3]);
        Layers.Add(Layer("BatchNormalization", new JsonObject { ["name"] = "batch_normalization", ["axis"] = -1, ["epsilon"] = 0.001, ["center"] = true, ["scale"] = true }));
        AddBatchNorm("batch_normalization", 3);
        Layers.Add(Layer("Conv2D", Conv("conv2d_1", 4, stride: 1, padding: "valid", activation: "linear")));
        AddVariables("conv2d_1", [3, 3, 3, 4], [4]);
        Layers.Add(Layer("MaxPooling2D", new JsonObject { ["name"] = "max_pooling2d", ["pool_size"] = new JsonArray(2, 2), ["strides"] = new JsonArray(1, 1), ["padding"] = "valid", ["data_format"] = "channels_last" }));
        Layers.Add(Layer("Flatten", new JsonObject { ["name"] = "flatten", ["data_format"] = "channels_last" }));
        Layers.Add(Layer("Dense", new JsonObject { ["name"] = "dense", ["units"] = 6, ["activation"] = "relu", ["use_bias"] = true }));
        AddVariables("dense", [16, 6], [6]);
        Layers.Add(Layer("Dropout", new JsonObject { ["name"] = "dropout", ["rate"] = 0.3 }));
        Layers.Add(Layer("BatchNormalization", new JsonObject { ["name"] = "batch_normalization_1", ["axis"] = new JsonArray(1), ["epsilon"] = 0.01, ["center"] = true, ["scale"] = true }));
        AddBatchNorm("batch_normalization_1", 6);
        Layers.Add(Layer("Dense", new JsonObject { ["name"] = "dense_1", ["units"] = 5, ["activation"] = "linear" }));
        AddVariables("dense_1", [6, 5], [5]);
        Layers.Add(Layer("Dense", new JsonObject { ["name"] = "dense_2", ["units"] = 3, ["activation"] = "softmax" }));
        AddVariables("dense_2", [5, 3], [3]);
    }

    /// <summary>The logits (before the final softmax) for one raw-pixel image, channels last.</summary>
    public double[] ReferenceLogits(double[] image)
    {
        var v = Variables;
        var x = new KerasReference.Activation([Height, Width, Channels], image);
        x = KerasReference.Rescale(x, 1 / 255.0, 0.1);
        x = KerasReference.Conv2D(x, v["conv2d"][0], v["conv2d"][1], 3, 3, stride: 2, same: true, relu: true);
        x = KerasReference.BatchNorm(x, v["batch_normalization"][0], v["batch_normalization"][1], v["batch_normalization"][2], v["batch_normalization"][3], 0.001);
        x = KerasReference.Conv2D(x, v["conv2d_1"][0], v["conv2d_1"][1], 3, 4, stride: 1, same: false, relu: false);
        x = KerasReference.MaxPool(x, 2, 1);
        x = KerasReference.Flatten(x);
        x = KerasReference.Dense(x, v["dense"][0], v["dense"][1], 6, relu: true);
        x = KerasReference.BatchNorm(x, v["batch_normalization_1"][0], v["batch_normalization_1"][1], v["batch_normalization_1"][2], v["batch_normalization_1"][3], 0.01);
        x = KerasReference.Dense(x, v["dense_1"][0], v["dense_1"][1], 5, relu: false);
        x = KerasReference.Dense(x, v["dense_2"][0], v["dense_2"][1], 3, relu: false);
        return x.Values;
    }

    public string ConfigJson() => new JsonObject
    {
        ["class_name"] = "Sequential",
        ["config"] = new JsonObject { ["name"] = "sequential", ["layers"] = JsonNode.Parse(Layers.ToJsonString()) },
    }.ToJsonString();

    /// <summary>As TF 2.x / Keras 2 saves it: model_config attribute, model_weights/&lt;layer&gt;/&lt;layer&gt;/&lt;var&gt;:0.</summary>
    public void WriteH5(string path, string? config = null)
    {
        var weights = new H5Group();
        foreach (var (layer, variables) in Variables)
        {
            string[] names = variables.Length == 4 ? ["gamma", "beta", "moving_mean", "moving_variance"] : ["kernel", "bias"];
            var inner = new H5Group();
            for (int i = 0; i < variables.Length; i++)
                inner[names[i] + ":0"] = new H5Dataset(variables[i], fileDims: _shapes[layer][i].Select(d => (ulong)d).ToArray());
            weights[layer] = new H5Group
            {
                [layer] = inner,
                Attributes = new() { ["weight_names"] = names.Select(n => $"{layer}/{n}:0").ToArray() },
            };
        }
        var file = new H5File
        {
            ["model_weights"] = weights,
            Attributes = new() { ["model_config"] = config ?? ConfigJson(), ["keras_version"] = "2.11.0", ["backend"] = "tensorflow" },
        };
        file.Write(path);
    }

    /// <summary>As Keras 3 saves it: a zip of config.json and model.weights.h5 with layers/&lt;name&gt;/vars/&lt;i&gt;.</summary>
    public void WriteKeras(string path)
    {
        var layers = new H5Group();
        foreach (var (layer, variables) in Variables)
        {
            var vars = new H5Group();
            for (int i = 0; i < variables.Length; i++)
                vars[i.ToString()] = new H5Dataset(variables[i], fileDims: _shapes[layer][i].Select(d => (ulong)d).ToArray());
            layers[layer] = new H5Group { ["vars"] = vars };
        }
        var weights = new MemoryStream();
        new H5File { ["layers"] = layers }.Write(weights);

        var keras3 = JsonNode.Parse(ConfigJson())!;
        foreach (var layer in keras3["config"]!["layers"]!.AsArray())
        {
            var config = layer!["config"]!.AsObject();
            if (config["batch_input_shape"] is { } shape)
            {
                config.Remove("batch_input_shape");
                config["batch_shape"] = shape.DeepClone();
            }
        }
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open())) writer.Write(keras3.ToJsonString());
        using (var writer = new StreamWriter(zip.CreateEntry("metadata.json").Open())) writer.Write("{\"keras_version\": \"3.4.1\"}");
        using (var entry = zip.CreateEntry("model.weights.h5").Open()) entry.Write(weights.ToArray());
    }

    private static JsonObject Layer(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

    private static JsonObject Conv(string name, int filters, int stride, string padding, string activation) => new()
    {
        ["name"] = name, ["filters"] = filters, ["kernel_size"] = new JsonArray(3, 3), ["strides"] = new JsonArray(stride, stride),
        ["padding"] = padding, ["data_format"] = "channels_last", ["dilation_rate"] = new JsonArray(1, 1), ["groups"] = 1,
        ["activation"] = activation, ["use_bias"] = true,
    };

    private void AddVariables(string layer, int[] kernelShape, int[] biasShape)
    {
        Variables[layer] = [RandomValues(kernelShape.Aggregate(1, (a, b) => a * b), 0.5), RandomValues(biasShape[0], 0.2)];
        _shapes[layer] = [kernelShape, biasShape];
    }

    private void AddBatchNorm(string layer, int channels)
    {
        Variables[layer] =
        [
            RandomValues(channels, 0.5, 1), RandomValues(channels, 0.3),
            RandomValues(channels, 0.3), RandomValues(channels, 0.5, 0.6),
        ];
        _shapes[layer] = [[channels], [channels], [channels], [channels]];
    }

    private float[] RandomValues(int count, double spread, double center = 0) =>
        Enumerable.Range(0, count).Select(_ => (float)(center + spread * (2 * _random.NextDouble() - 1))).ToArray();
}
