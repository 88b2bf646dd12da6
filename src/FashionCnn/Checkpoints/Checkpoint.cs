using System.Reflection;
using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Checkpoints;

/// <summary>A model read from a checkpoint: the network (in eval mode) and what the file says about it.</summary>
public sealed record LoadedModel(SequentialNet Net, IReadOnlyList<string> ClassNames, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// fashioncnn's checkpoint: ONE safetensors file holding the weights (PyTorch layouts, Keras layer names)
/// and, in <c>__metadata__</c>, what is needed to use it alone — the Keras model config, the class names,
/// and how it was made (epoch, metrics, seed, data checksum, tool version).
/// </summary>
public static class Checkpoint
{
    public const string FileName = "best-cnn-model.safetensors";
    public const string FormatKey = "format", FormatValue = "fashioncnn/1";
    public const string ModelConfigKey = "model_config", ClassNamesKey = "class_names", ToolVersionKey = "tool_version";

    public static string ToolVersion { get; } =
        typeof(Checkpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Writes the net's weights and metadata atomically to <paramref name="path"/>.</summary>
    public static void Save(SequentialNet net, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [FormatKey] = FormatValue,
            [ModelConfigKey] = KerasModelConfig.ToJson(net.Spec),
            [ClassNamesKey] = JsonSerializer.Serialize(FashionClasses.Names),
            [ToolVersionKey] = ToolVersion,
        };
        var weights = Weights(net);
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, weights, all));
    }

    /// <summary>A copy of the net's parameters on the CPU, in state-dict order.</summary>
    public static NamedTensor[] Weights(SequentialNet net)
    {
        using var scope = NewDisposeScope();
        return net.named_parameters().Select(p =>
        {
            var cpu = p.parameter.detach().cpu().contiguous();
            return new NamedTensor(p.name, cpu.shape, cpu.data<float>().ToArray());
        }).ToArray();
    }

    /// <summary>Copies <paramref name="tensors"/> into the net, requiring every parameter, by name and shape.</summary>
    public static void LoadWeights(SequentialNet net, IReadOnlyList<NamedTensor> tensors, string source)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, parameter) in net.named_parameters())
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
    public static LoadedModel Load(string path, Device? device = null)
    {
        string name = Path.GetFileName(path);
        var file = SafeTensors.Read(path);
        if (!file.Metadata.TryGetValue(ModelConfigKey, out string? config))
            throw new FashionCnnException($"{name}: safetensors file without a fashioncnn model config in its metadata.");
        var spec = KerasModelConfig.Parse(config, name);
        var classNames = file.Metadata.TryGetValue(ClassNamesKey, out string? names)
            ? JsonSerializer.Deserialize<string[]>(names) ?? [.. FashionClasses.Names]
            : [.. FashionClasses.Names];

        var net = new SequentialNet(spec);
        LoadWeights(net, file.Tensors, name);
        if (device is not null) net.to(device);
        net.eval();
        return new LoadedModel(net, classNames, file.Metadata);
    }
}
