using System.Reflection;
using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Checkpoints;

/// <summary>A model ready to run: the network (in eval mode), its class names, what the file says about it, and which format it came from.</summary>
public sealed record LoadedModel(SequentialNet Net, IReadOnlyList<string> ClassNames, IReadOnlyDictionary<string, string> Metadata, string Format)
{
    /// <summary>
    /// Checks that a model scores classes: one value per class (two or more) from a softmax, or the logits. Whether
    /// it takes a data set's images is checked against the data (<see cref="Inference.ModelFit"/>).
    /// </summary>
    public static void RequireClassifier(ModelSpec spec, string source)
    {
        if (spec.OutputUnits < 2)
            throw new FashionCnnException($"{source}: the model outputs {spec.OutputShape}; scoring classes needs (None, K) with K ≥ 2 (Fashion-MNIST: (None, {FashionClasses.Count})).");
        if (spec.FinalActivation is Activation.Relu or Activation.Sigmoid or Activation.Tanh)
            throw new FashionCnnException(
                $"{source}: the last layer ends in {spec.FinalActivation.ToString()!.ToLowerInvariant()}; class scores need softmax (or linear logits).");
    }
}

/// <summary>
/// fashioncnn's checkpoint: ONE safetensors file holding the weights (PyTorch layouts, Keras layer names)
/// and, in <c>__metadata__</c>, what is needed to use it alone — the Keras model config, the class names,
/// and how it was made (epoch, metrics, seed, data checksum, tool version).
/// </summary>
public static class Checkpoint
{
    /// <summary>The best checkpoint of a CNN, named after the book's best-cnn-model.h5 (chapter 8-2).</summary>
    public const string FileName = "best-cnn-model.safetensors";

    /// <summary>The best checkpoint of a model without convolutions, named after the book's best-model.h5 (chapter 7-3).</summary>
    public const string DenseFileName = "best-model.safetensors";

    public static string FileNameFor(ModelSpec spec) => spec.HasConvolution ? FileName : DenseFileName;
    public const string FormatKey = "format", FormatValue = "fashioncnn/1";

    /// <summary>
    /// train's resume file (last-epoch.safetensors): a checkpoint's weights and model config, plus the optimizer's
    /// state under <see cref="OptimizerPrefix"/> and the run's state in the metadata. Read as a model, it is the last epoch's.
    /// </summary>
    public const string ResumeFormatValue = "fashioncnn-resume/3", OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Whether <paramref name="format"/> is a resume file's, of this version or of the one before it (fashioncnn-resume/2,
    /// whose run state kept the callbacks' fields side by side): as a model, both are the last epoch's weights.
    /// </summary>
    public static bool IsResumeFormat(string? format) => format is ResumeFormatValue or "fashioncnn-resume/2";
    public const string ModelConfigKey = "model_config", ClassNamesKey = "class_names", ToolVersionKey = "tool_version", ColorModeKey = "color_mode";

    public static string ToolVersion { get; } =
        typeof(Checkpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>
    /// Writes the net's weights and metadata atomically to <paramref name="path"/>; <paramref name="classNames"/> name its
    /// outputs (Fashion-MNIST's when not given). The input shape is in the model config, the colour mode beside it.
    /// </summary>
    public static void Save(SequentialNet net, string path, IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<string>? classNames = null)
    {
        var input = net.Spec.InputShape;
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [FormatKey] = FormatValue,
            [ModelConfigKey] = KerasModelConfig.ToJson(net.Spec),
            [ClassNamesKey] = JsonSerializer.Serialize(classNames ?? FashionClasses.Names),
            [ColorModeKey] = (input.Rank == 3 && input[2] == 3 ? ColorMode.Rgb : ColorMode.Grayscale).Name(),
            [ToolVersionKey] = ToolVersion,
        };
        var weights = Weights(net);
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, weights, all));
    }

    /// <summary>A copy of the net's weights on the CPU, in state-dict order.</summary>
    public static NamedTensor[] Weights(SequentialNet net)
    {
        using var scope = NewDisposeScope();
        return net.NamedWeights().Select(p => NamedTensor.From(p.Name, p.Tensor)).ToArray();
    }

    /// <summary>Copies <paramref name="tensors"/> into the net, requiring every weight, by name and shape.</summary>
    public static void LoadWeights(SequentialNet net, IReadOnlyList<NamedTensor> tensors, string source)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, parameter) in net.NamedWeights())
        {
            var tensor = tensors.FirstOrDefault(t => t.Name == name)
                ?? throw new FashionCnnException($"{source}: no tensor {name} in the file.");
            if (!tensor.Shape.SequenceEqual(parameter.shape))
                throw new FashionCnnException(
                    $"{source}: tensor {name} has shape ({string.Join(", ", tensor.Shape)}), the model needs ({string.Join(", ", parameter.shape)}).");
            parameter.copy_(torch.tensor(tensor.Values, tensor.Shape));
        }
    }

    /// <summary>Reads a fashioncnn checkpoint and builds its network on <paramref name="device"/>.</summary>
    public static LoadedModel Load(string path, Device? device = null) => FromFile(SafeTensors.Read(path), Path.GetFileName(path), device);

    /// <summary>The network of a checkpoint, or of a resume file (its last epoch's weights), already read.</summary>
    public static LoadedModel FromFile(SafeTensorsFile file, string name, Device? device = null)
    {
        if (!file.Metadata.TryGetValue(ModelConfigKey, out string? config))
            throw new FashionCnnException($"{name}: safetensors file without a fashioncnn model config in its metadata.");
        if (!IsResumeFormat(file.Metadata.GetValueOrDefault(FormatKey)))
            return Build(KerasModelConfig.Parse(config, name), file.Tensors, file.Metadata, "fashioncnn checkpoint", name, device);
        var weights = file.Tensors.Where(t => !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        return Build(KerasModelConfig.Parse(config, name), weights, file.Metadata, "fashioncnn resume file: the last epoch's weights", name, device);
    }

    /// <summary>The class names a file's metadata gives (one per output unit, none empty), or Fashion-MNIST's.</summary>
    private static string[] ClassNames(IReadOnlyDictionary<string, string> metadata, ModelSpec spec, string source)
    {
        if (!metadata.TryGetValue(ClassNamesKey, out string? text))
            return spec.OutputUnits is 0 or 10 ? [.. FashionClasses.Names] : [.. IdxDataSource.Numbered(spec.OutputUnits)];
        string[]? names;
        try { names = JsonSerializer.Deserialize<string[]>(text); }
        catch (JsonException e) { throw new FashionCnnException($"{source}: class_names in the metadata is not a JSON list of strings.", e); }
        if (names is null || names.Any(string.IsNullOrWhiteSpace))
            throw new FashionCnnException($"{source}: class_names in the metadata is not a list of names.");
        if (spec.OutputUnits > 0 && names.Length != spec.OutputUnits)
            throw new FashionCnnException($"{source}: class_names lists {names.Length} names for the model's {spec.OutputUnits} outputs.");
        return names;
    }

    /// <summary>The network for <paramref name="spec"/> with <paramref name="weights"/> loaded, in eval mode on <paramref name="device"/>.</summary>
    public static LoadedModel Build(ModelSpec spec, IReadOnlyList<NamedTensor> weights, IReadOnlyDictionary<string, string> metadata,
        string format, string source, Device? device = null)
    {
        string[] classNames = ClassNames(metadata, spec, source);

        var net = new SequentialNet(spec);
        try
        {
            LoadWeights(net, weights, source);
            if (device is not null) net.to(device);
        }
        catch
        {
            net.Dispose();
            throw;
        }
        net.eval();
        return new LoadedModel(net, classNames, metadata, format);
    }
}
