using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;

namespace FashionCnn.Tests.Interop;

/// <summary>Where the legacy HDF5 format keeps a layer's arrays, by the Keras version that wrote it (seen in learners' files).</summary>
public enum LegacyLayout
{
    /// <summary>Keras 2: <c>dense_10/dense_10/kernel:0</c>.</summary>
    Keras2,

    /// <summary>Keras 3.1: <c>dense_14/kernel</c>.</summary>
    Keras31,

    /// <summary>Keras 3.4 and later: <c>dense_10/sequential_5/dense_10/kernel</c>.</summary>
    Keras34,
}

/// <summary>
/// Small Keras Sequential models with seeded random weights, written the ways Keras writes them (legacy HDF5 of
/// Keras 2 and 3, save_weights files, the .keras zip of Keras 2.13, 2.14 and 3), with a loop-level forward pass
/// (<see cref="KerasReference"/>) as the oracle. The layouts follow files that learners of the book saved.
/// </summary>
internal sealed class KerasTestModel
{
    private readonly Random _random = new(1234);
    private readonly Dictionary<string, int[][]> _shapes = new();
    private readonly Func<KerasTestModel, double[], double[]> _reference;

    public int[] InputShape { get; }

    /// <summary>name → Keras variables in Keras' order and layout.</summary>
    public Dictionary<string, float[][]> Variables { get; } = new();

    public JsonArray Layers { get; } = [];

    /// <summary>The model with every layer kind the importer supports, on 10×10×2 images of raw pixels.</summary>
    public const int Height = 10, Width = 10, Channels = 2;

    public KerasTestModel(bool includeInputLayer = true) : this([Height, Width, Channels], EveryKindReference)
    {
        if (includeInputLayer) AddInput("input_1");
        Add("Rescaling", new JsonObject { ["name"] = "rescaling", ["scale"] = 1 / 255.0, ["offset"] = 0.1 });
        Add("Conv2D", Conv("conv2d", 3, stride: 2, padding: "same", activation: "relu"));
        AddVariables("conv2d", [3, 3, Channels, 3], [3]);
        Add("BatchNormalization", new JsonObject { ["name"] = "batch_normalization", ["axis"] = -1, ["epsilon"] = 0.001, ["center"] = true, ["scale"] = true });
        AddBatchNorm("batch_normalization", 3);
        Add("Conv2D", Conv("conv2d_1", 4, stride: 1, padding: "valid", activation: "linear"));
        AddVariables("conv2d_1", [3, 3, 3, 4], [4]);
        Add("MaxPooling2D", new JsonObject { ["name"] = "max_pooling2d", ["pool_size"] = new JsonArray(2, 2), ["strides"] = new JsonArray(1, 1), ["padding"] = "valid", ["data_format"] = "channels_last" });
        Add("Flatten", new JsonObject { ["name"] = "flatten", ["data_format"] = "channels_last" });
        Add("Dense", new JsonObject { ["name"] = "dense", ["units"] = 6, ["activation"] = "relu", ["use_bias"] = true });
        AddVariables("dense", [16, 6], [6]);
        Add("Dropout", new JsonObject { ["name"] = "dropout", ["rate"] = 0.3 });
        Add("BatchNormalization", new JsonObject { ["name"] = "batch_normalization_1", ["axis"] = new JsonArray(1), ["epsilon"] = 0.01, ["center"] = true, ["scale"] = true });
        AddBatchNorm("batch_normalization_1", 6);
        Add("Dense", new JsonObject { ["name"] = "dense_1", ["units"] = 5, ["activation"] = "linear" });
        AddVariables("dense_1", [6, 5], [5]);
        Add("Dense", new JsonObject { ["name"] = "dense_2", ["units"] = 3, ["activation"] = "softmax" });
        AddVariables("dense_2", [5, 3], [3]);
    }

    private KerasTestModel(int[] inputShape, Func<KerasTestModel, double[], double[]> reference)
    {
        InputShape = inputShape;
        _reference = reference;
    }

    /// <summary>
    /// The book's chapter 7 models as a learner's notebook names them after building several: input (28, 28) →
    /// Flatten → Dense(100, relu) → [Dropout(0.3)] → Dense(10, softmax), or input (784,) → Dense(100, sigmoid) →
    /// Dense(10, softmax). The Keras 2 config carries the input as <c>batch_input_shape</c> [null, 28, 28] or [null, 784].
    /// </summary>
    public static KerasTestModel Chapter7(bool flatInput, bool dropout = false)
    {
        var model = new KerasTestModel(flatInput ? [784] : [28, 28], Chapter7Reference);
        model.AddInput(flatInput ? "dense_input" : "flatten_7_input");
        if (!flatInput) model.Add("Flatten", new JsonObject { ["name"] = "flatten_7", ["data_format"] = "channels_last" });
        model.Add("Dense", new JsonObject { ["name"] = "dense_14", ["units"] = 100, ["activation"] = flatInput ? "sigmoid" : "relu" });
        model.AddVariables("dense_14", [784, 100], [100], spread: 0.1);
        if (dropout) model.Add("Dropout", new JsonObject { ["name"] = "dropout_1", ["rate"] = 0.3 });
        model.Add("Dense", new JsonObject { ["name"] = "dense_15", ["units"] = 10, ["activation"] = "softmax" });
        model.AddVariables("dense_15", [100, 10], [10]);
        return model;
    }

    /// <summary>The logits (before the final softmax) for one image, channels last, as the model takes it.</summary>
    public double[] ReferenceLogits(double[] image) => _reference(this, image);

    private static double[] EveryKindReference(KerasTestModel model, double[] image)
    {
        var v = model.Variables;
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

    private static double[] Chapter7Reference(KerasTestModel model, double[] image)
    {
        var v = model.Variables;
        bool sigmoid = model.InputShape.Length == 1;
        var x = KerasReference.Flatten(new KerasReference.Activation(model.InputShape, image));
        x = KerasReference.Dense(x, v["dense_14"][0], v["dense_14"][1], 100, relu: !sigmoid);
        if (sigmoid) x = x with { Values = x.Values.Select(a => 1 / (1 + Math.Exp(-a))).ToArray() };
        x = KerasReference.Dense(x, v["dense_15"][0], v["dense_15"][1], 10, relu: false);
        return x.Values;
    }

    public string ConfigJson() => new JsonObject
    {
        ["class_name"] = "Sequential",
        ["config"] = new JsonObject { ["name"] = "sequential", ["layers"] = JsonNode.Parse(Layers.ToJsonString()) },
    }.ToJsonString();

    /// <summary>The layer names of <c>model.layers</c> (without the InputLayer), in order.</summary>
    public IEnumerable<string> LayerNames => Layers.Where(l => l!["class_name"]!.GetValue<string>() != "InputLayer").Select(l => l!["config"]!["name"]!.GetValue<string>());

    /// <summary>As <c>model.save('x.h5')</c> writes it: model_config, keras_version and model_weights in <paramref name="layout"/>.</summary>
    public void WriteH5(string path, string? config = null, LegacyLayout layout = LegacyLayout.Keras2, string kerasVersion = "2.11.0")
    {
        var file = new H5File
        {
            ["model_weights"] = LegacyWeightsGroup(layout, kerasVersion),
            Attributes = new() { ["model_config"] = config ?? ConfigJson(), ["keras_version"] = kerasVersion, ["backend"] = "tensorflow" },
        };
        file.Write(path);
    }

    /// <summary>As Keras 2's <c>model.save_weights('x.h5')</c> writes it: the legacy weights group at the root, no config.</summary>
    public void WriteLegacyWeights(string path, string kerasVersion = "2.13.1")
    {
        var group = LegacyWeightsGroup(LegacyLayout.Keras2, kerasVersion);
        var file = new H5File { Attributes = group.Attributes };
        foreach (var (name, child) in group) file[name] = child;
        file.Write(path);
    }

    /// <summary>
    /// legacy_h5_format: <c>layer_names</c> lists every layer; each has a group whose <c>weight_names</c> lists its
    /// arrays (an empty float64 array for a layer without weights), and a <c>top_level_model_weights</c> group
    /// that layer_names does not list.
    /// </summary>
    private H5Group LegacyWeightsGroup(LegacyLayout layout, string kerasVersion)
    {
        var names = LayerNames.ToList();
        var group = new H5Group { Attributes = new() { ["layer_names"] = names.ToArray(), ["backend"] = "tensorflow", ["keras_version"] = kerasVersion } };
        foreach (string layer in names)
        {
            if (!Variables.TryGetValue(layer, out var variables))
            {
                group[layer] = new H5Group { Attributes = new() { ["weight_names"] = Array.Empty<double>() } };
                continue;
            }
            string[] variableNames = variables.Length == 4 ? ["gamma", "beta", "moving_mean", "moving_variance"] : ["kernel", "bias"];
            string[] weightNames = variableNames.Select(n => layout switch
            {
                LegacyLayout.Keras2 => $"{layer}/{n}:0",
                LegacyLayout.Keras31 => n,
                _ => $"sequential/{layer}/{n}",
            }).ToArray();
            var layerGroup = new H5Group { Attributes = new() { ["weight_names"] = weightNames } };
            for (int i = 0; i < variables.Length; i++) Put(layerGroup, weightNames[i], Dataset(layer, i));
            group[layer] = layerGroup;
        }
        group["top_level_model_weights"] = new H5Group { Attributes = new() { ["weight_names"] = Array.Empty<double>() } };
        return group;
    }

    /// <summary>
    /// As Keras' saving_lib writes a <c>.keras</c> zip (Keras 2.13 and later): config.json (with <c>batch_shape</c>
    /// for Keras 3), metadata.json, and model.weights.h5 with each weighted layer's arrays at
    /// <c>{group}/vars/{i}</c>, where <paramref name="groups"/> maps a layer name to its group path
    /// (by default <c>layers/{name}</c>). Every layer also gets an empty vars group, and the file has the
    /// optimizer group Keras writes.
    /// </summary>
    public void WriteKeras(string path, string kerasVersion = "3.4.1", IReadOnlyDictionary<string, string>? groups = null)
    {
        var weights = new MemoryStream();
        SavingLibFile(groups).Write(weights);
        var config = JsonNode.Parse(ConfigJson())!;
        if (kerasVersion.StartsWith('3'))
            foreach (var layer in config["config"]!["layers"]!.AsArray())
            {
                var layerConfig = layer!["config"]!.AsObject();
                if (layerConfig["batch_input_shape"] is { } shape)
                {
                    layerConfig.Remove("batch_input_shape");
                    layerConfig["batch_shape"] = shape.DeepClone();
                }
            }
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("metadata.json").Open())) writer.Write($"{{\"keras_version\": \"{kerasVersion}\", \"date_saved\": \"2024-08-06@07:21:23\"}}");
        using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open())) writer.Write(config.ToJsonString());
        using (var entry = zip.CreateEntry("model.weights.h5").Open()) entry.Write(weights.ToArray());
    }

    /// <summary>As <c>save_weights('x.weights.h5')</c> writes it: the saving_lib weights file alone.</summary>
    public void WriteWeightsH5(string path, IReadOnlyDictionary<string, string>? groups = null) => SavingLibFile(groups).Write(path);

    private H5File SavingLibFile(IReadOnlyDictionary<string, string>? groups)
    {
        var file = new H5File();
        foreach (string layer in LayerNames)
        {
            string group = groups?.GetValueOrDefault(layer) ?? $"layers/{layer}";
            var vars = new H5Group();
            if (Variables.TryGetValue(layer, out var variables))
                for (int i = 0; i < variables.Length; i++) vars[i.ToString()] = Dataset(layer, i);
            Put(file, group + "/vars", vars);
        }
        Put(file, "optimizer/vars/0", new H5Dataset(new long[] { 1500 }, fileDims: []));
        file["vars"] = new H5Group();
        return file;
    }

    /// <summary>Puts <paramref name="child"/> at a slash-separated path below <paramref name="group"/>, making the groups on the way.</summary>
    private static void Put(H5Group group, string path, H5Object child)
    {
        string[] parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!group.TryGetValue(parts[i], out var next)) group[parts[i]] = next = new H5Group();
            group = (H5Group)next;
        }
        group[parts[^1]] = child;
    }

    private H5Dataset Dataset(string layer, int index) =>
        new(Variables[layer][index], fileDims: _shapes[layer][index].Select(d => (ulong)d).ToArray());

    private void AddInput(string name)
    {
        var shape = new JsonArray([null, .. InputShape.Select(d => (JsonNode?)d)]);
        Layers.Add(Layer("InputLayer", new JsonObject { ["batch_input_shape"] = shape, ["dtype"] = "float32", ["name"] = name }));
    }

    private void Add(string className, JsonObject config) => Layers.Add(Layer(className, config));

    private static JsonObject Layer(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

    private static JsonObject Conv(string name, int filters, int stride, string padding, string activation) => new()
    {
        ["name"] = name, ["filters"] = filters, ["kernel_size"] = new JsonArray(3, 3), ["strides"] = new JsonArray(stride, stride),
        ["padding"] = padding, ["data_format"] = "channels_last", ["dilation_rate"] = new JsonArray(1, 1), ["groups"] = 1,
        ["activation"] = activation, ["use_bias"] = true,
    };

    /// <summary>Stores variable <paramref name="index"/> of <paramref name="layer"/> with another shape of the same size, as a forged file would.</summary>
    public void Reshape(string layer, int index, int[] shape)
    {
        if (shape.Aggregate(1, (a, b) => a * b) != Variables[layer][index].Length) throw new ArgumentException("a reshape keeps the size", nameof(shape));
        _shapes[layer][index] = shape;
    }

    private void AddVariables(string layer, int[] kernelShape, int[] biasShape, double spread = 0.5)
    {
        Variables[layer] = [RandomValues(kernelShape.Aggregate(1, (a, b) => a * b), spread), RandomValues(biasShape[0], 0.2)];
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
