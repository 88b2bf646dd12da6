using System.IO.Compression;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using PureHDF;

namespace FashionCnn.Interop;

/// <summary>A model read from another tool's file: its layers and its weights in this tool's names and layouts.</summary>
public sealed record ImportedModel(ModelSpec Spec, IReadOnlyList<NamedTensor> Weights, string Format);

/// <summary>
/// Reads Keras models: the HDF5 <c>.h5</c> of TF 2.x / Keras 2 (<c>model_config</c> attribute, weights under
/// <c>model_weights/&lt;layer&gt;/&lt;layer&gt;/kernel:0</c>) and the Keras 3 <c>.keras</c> zip (<c>config.json</c>,
/// <c>model.weights.h5</c> with weights under <c>layers/&lt;name&gt;/vars/&lt;i&gt;</c>), with PureHDF.
/// </summary>
public static class KerasModelFile
{
    /// <summary>Keras' variable names per layer class, in the order Keras 3 numbers them in vars/.</summary>
    private static readonly string[] KernelAndBias = ["kernel", "bias"];
    private static readonly string[] BatchNormVariables = ["gamma", "beta", "moving_mean", "moving_variance"];

    public static ImportedModel ReadH5(string path)
    {
        string name = Path.GetFileName(path);
        return Guard(name, "Keras HDF5", () =>
        {
            using var file = H5File.OpenRead(path);
            if (!file.AttributeExists("model_config"))
                throw new FashionCnnException($"{name}: HDF5 file without a Keras model_config (a weights-only file lacks the architecture; save with model.save).");
            var spec = KerasModelConfig.Parse(file.Attribute("model_config").Read<string>(), name);
            if (!file.LinkExists("model_weights"))
                throw new FashionCnnException($"{name}: Keras HDF5 file without model_weights.");
            var weightsGroup = file.Group("model_weights");
            string version = file.AttributeExists("keras_version") ? file.Attribute("keras_version").Read<string>() : "2";

            var weights = new List<NamedTensor>();
            foreach (var layer in spec.Layers)
            {
                string[] variables = VariableNames(layer);
                if (variables.Length == 0) continue;
                if (!weightsGroup.LinkExists(layer.Name))
                    throw new FashionCnnException($"{name}: no weights for layer {layer.Name} ({layer.KerasClass}).");
                var layerGroup = weightsGroup.Group(layer.Name);
                string[] stored = layerGroup.AttributeExists("weight_names")
                    ? layerGroup.Attribute("weight_names").Read<string[]>()
                    : [];
                foreach (string variable in variables)
                {
                    // weight_names lists paths such as "conv2d/kernel:0" relative to the layer's group.
                    string? entry = stored.FirstOrDefault(n => n.EndsWith("/" + variable + ":0", StringComparison.Ordinal))
                                    ?? (layerGroup.LinkExists($"{layer.Name}/{variable}:0") ? $"{layer.Name}/{variable}:0" : null);
                    if (entry is null)
                        throw new FashionCnnException($"{name}: layer {layer.Name} ({layer.KerasClass}) has no {variable} weight.");
                    var dataset = layerGroup.Dataset(entry);
                    weights.Add(Convert(layer, variable, ToLongs(dataset.Space.Dimensions), ReadFloats(dataset, layer, variable, name)));
                }
            }
            return new ImportedModel(spec, weights, $"Keras {version} HDF5");
        });
    }

    public static ImportedModel ReadKeras(string path)
    {
        string name = Path.GetFileName(path);
        return Guard(name, "Keras 3 .keras", () =>
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry("config.json")
                ?? throw new FashionCnnException($"{name}: zip file without config.json; not a Keras 3 .keras file.");
            var weightsEntry = zip.GetEntry("model.weights.h5")
                ?? throw new FashionCnnException($"{name}: .keras file without model.weights.h5.");
            string config;
            using (var reader = new StreamReader(configEntry.Open())) config = reader.ReadToEnd();
            var spec = KerasModelConfig.Parse(config, name);

            // PureHDF needs a seekable stream; the weights of this model are a few MB.
            var buffer = new MemoryStream();
            using (var entry = weightsEntry.Open()) entry.CopyTo(buffer);
            buffer.Position = 0;
            using var file = H5File.Open(buffer, leaveOpen: false);
            var weights = new List<NamedTensor>();
            foreach (var layer in spec.Layers)
            {
                string[] variables = VariableNames(layer);
                for (int i = 0; i < variables.Length; i++)
                {
                    string entryPath = $"layers/{layer.Name}/vars/{i}";
                    if (!file.LinkExists(entryPath))
                        throw new FashionCnnException($"{name}: layer {layer.Name} ({layer.KerasClass}) has no {variables[i]} weight ({entryPath}).");
                    var dataset = file.Dataset(entryPath);
                    weights.Add(Convert(layer, variables[i], ToLongs(dataset.Space.Dimensions), ReadFloats(dataset, layer, variables[i], name)));
                }
            }
            return new ImportedModel(spec, weights, "Keras 3 .keras");
        });
    }

    private static string[] VariableNames(Layer layer) => layer switch
    {
        Conv2D or Dense => KernelAndBias,
        BatchNormalization => BatchNormVariables,
        _ => [],
    };

    /// <summary>One Keras variable in this tool's name and layout.</summary>
    private static NamedTensor Convert(Layer layer, string variable, long[] shape, float[] values) => (layer, variable) switch
    {
        (Conv2D, "kernel") when shape.Length == 4 => ImportedWeights.ConvKernelFromKeras($"{layer.Name}.weight", shape, values),
        (Dense, "kernel") when shape.Length == 2 => ImportedWeights.DenseKernelFromKeras($"{layer.Name}.weight", shape, values),
        (_, "kernel") => throw new FashionCnnException($"layer {layer.Name} ({layer.KerasClass}) has a kernel of shape ({string.Join(", ", shape)})."),
        (_, "bias" or "beta") => new NamedTensor($"{layer.Name}.bias", shape, values),
        (_, "gamma") => new NamedTensor($"{layer.Name}.weight", shape, values),
        (_, "moving_mean") => new NamedTensor($"{layer.Name}.running_mean", shape, values),
        (_, "moving_variance") => new NamedTensor($"{layer.Name}.running_var", shape, values),
        _ => throw new InvalidOperationException($"no mapping for {variable}"),
    };

    // Far above any layer this tool runs (the book's largest kernel has 313,600 numbers); a dataset that claims
    // more has a forged size, and is refused before anything is allocated for it.
    private const ulong MaxWeightElements = 64UL * 1024 * 1024;

    private static float[] ReadFloats(IH5Dataset dataset, Layer layer, string variable, string name)
    {
        ulong count = 1;
        foreach (ulong d in dataset.Space.Dimensions)
        {
            if (d != 0 && count > MaxWeightElements / d)
                throw new FashionCnnException($"{name}: the {variable} of layer {layer.Name} declares an impossible size.");
            count *= d;
        }
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size != 4)
            throw new FashionCnnException($"{name}: the {variable} of layer {layer.Name} is not float32.");
        return dataset.Read<float[]>();
    }

    private static long[] ToLongs(ulong[] dimensions) => dimensions.Select(d => (long)d).ToArray();

    /// <summary>
    /// Runs a read of an untrusted file: this tool's own errors pass through, anything the HDF5 or zip
    /// reader throws on malformed content becomes one sentence naming the file.
    /// </summary>
    private static ImportedModel Guard(string name, string kind, Func<ImportedModel> read)
    {
        try
        {
            return read();
        }
        catch (FashionCnnException)
        {
            throw;
        }
        catch (OutOfMemoryException e)
        {
            // A forged size field asks the reader for an impossible array; the file is at fault, not the machine.
            throw new FashionCnnException($"{name}: not a readable {kind} file (a size field in it is impossible).", e);
        }
        catch (Exception e)
        {
            throw new FashionCnnException($"{name}: not a readable {kind} file ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
    }
}
