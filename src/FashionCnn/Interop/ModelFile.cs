using System.IO.Compression;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using static TorchSharp.torch;

namespace FashionCnn.Interop;

/// <summary>
/// The one model loader of every verb. What a file is comes from its content, not its extension:
/// a fashioncnn checkpoint (.safetensors with our metadata), a Keras HDF5 model or weights file, a Keras
/// .keras zip, a PyTorch state_dict (.pt), or a plain .safetensors state_dict. Files without an architecture
/// (weights only, PyTorch state_dicts) take it from <c>--architecture</c>; a PyTorch file without one is the book's CNN.
/// An ONNX file is recognised too, and refused here: it runs only in ONNX Runtime (<see cref="Inference.Classifier"/>),
/// and every verb that needs the network itself (visualize, export, summary, training from it) needs the model it came from.
/// </summary>
public static class ModelFile
{
    public const string PyTorchFormat = "pytorch";
    public const string FlattenOrderKey = "flatten_order";

    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>What kind of file a model path holds, judged by its first bytes.</summary>
    private enum Content { Hdf5, Zip, SafeTensors, Onnx, Unknown }

    /// <summary>
    /// Loads the model at <paramref name="path"/> (named <paramref name="option"/> in errors), with the architecture
    /// from <paramref name="architecture"/> (see <see cref="Architecture"/>) for files that carry none.
    /// </summary>
    public static LoadedModel Load(string path, string option = "--model", string? architecture = null, Device? device = null)
    {
        string name = Path.GetFileName(path);
        var spec = architecture is null ? null : Architecture(architecture, "--architecture");
        string source = architecture is null ? "" : ArchitectureName(architecture);
        return Sniff(path, option) switch
        {
            Content.Hdf5 => FromImport(KerasModelFile.ReadH5(path, spec, source), name, device),
            Content.Zip when IsKerasZip(path) => FromImport(KerasModelFile.ReadKeras(path, spec), name, device),
            Content.Zip => FromPyTorch(path, name, spec, device),
            Content.SafeTensors => FromSafeTensors(path, name, spec, device),
            Content.Onnx => throw new FashionCnnException(
                $"{name} is an ONNX model, which only evaluate and predict run (in ONNX Runtime); this verb needs the original model it was exported from (.h5, .keras, .safetensors or .pt)."),
            _ => throw new FashionCnnException(NotAModelFile.Refusal(path, option)),
        };
    }

    /// <summary>The model a verb classifies with: loaded, on <paramref name="device"/>, and checked to score classes.</summary>
    public static LoadedModel LoadClassifier(string path, string? architecture = null, Device? device = null)
    {
        var model = Load(path, "--model", architecture, device);
        try
        {
            LoadedModel.RequireClassifier(model.Net.Spec, Path.GetFileName(path));
            return model;
        }
        catch
        {
            model.Net.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An architecture: a bundled name, a Keras JSON config file (model.to_json(), or a .keras file's config.json),
    /// or any model file, of which only the layers are used.
    /// </summary>
    public static ModelSpec Architecture(string source, string option)
    {
        if (ArchitectureSource.TryReadConfig(source) is { } spec) return spec;
        if (Sniff(source, option) == Content.Zip && IsKerasZip(source)) return KerasModelFile.ReadKerasConfig(source);
        var loaded = Load(source, option);
        using var net = loaded.Net;
        return net.Spec;
    }

    private static string ArchitectureName(string source) => ArchitectureSource.Find(source)?.Name ?? Path.GetFileName(source);

    /// <summary>Whether <paramref name="path"/> holds an ONNX model rather than one of the formats <see cref="Load"/> reads.</summary>
    public static bool IsOnnx(string path, string option) => Sniff(path, option) == Content.Onnx;

    private static Content Sniff(string path, string option)
    {
        byte[] head = InputFiles.ReadHead(path, 16, option);
        if (head.Length >= 8 && head.AsSpan(0, 8).SequenceEqual(Hdf5Signature)) return Content.Hdf5;
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Content.Zip;
        if (SafeTensors.LooksLikeSafeTensors(head)) return Content.SafeTensors;
        if (Onnx.OnnxFormat.LooksLikeOnnx(head, path)) return Content.Onnx;
        return Content.Unknown;
    }

    private static bool IsKerasZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.GetEntry("config.json") is not null;
        }
        catch (InvalidDataException e)
        {
            throw new FashionCnnException($"{Path.GetFileName(path)}: corrupt zip archive ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static LoadedModel FromImport(ImportedModel model, string name, Device? device) =>
        Checkpoint.Build(model.Spec, model.Weights, new Dictionary<string, string>(), model.Format, name, device);

    private static LoadedModel FromSafeTensors(string path, string name, ModelSpec? architecture, Device? device)
    {
        var file = SafeTensors.Read(path);
        string? format = file.Metadata.GetValueOrDefault(Checkpoint.FormatKey);
        if (format is Checkpoint.FormatValue || Checkpoint.IsResumeFormat(format))
        {
            if (architecture is not null)
                throw new FashionCnnException($"{name} holds its own architecture; --architecture is only for weights-only files.");
            return Checkpoint.FromFile(file, name, device);
        }
        // Read as a PyTorch state_dict, a file of ours in a layout this version does not know would be silently wrong.
        if (format is not null && format.StartsWith("fashioncnn", StringComparison.Ordinal))
            throw new FashionCnnException($"{name}: a fashioncnn file of format {format}, which this version of fashioncnn does not read (it reads {Checkpoint.FormatValue} and {Checkpoint.ResumeFormatValue}).");
        // A PyTorch-style file: exported by this tool (its model config in the metadata), or written from Python
        // with this tool's keys, whose architecture is --architecture or else the book's CNN.
        var spec = file.Metadata.TryGetValue(Checkpoint.ModelConfigKey, out string? config)
            ? KerasModelConfig.Parse(config, name)
            : architecture ?? ModelSpec.Book;
        var weights = ImportedWeights.ToChannelsLastFlatten(spec, file.Tensors, name);
        return Checkpoint.Build(spec, weights, file.Metadata, "PyTorch-style .safetensors", name, device);
    }

    private static LoadedModel FromPyTorch(string path, string name, ModelSpec? architecture, Device? device)
    {
        var spec = architecture ?? ModelSpec.Book;
        var weights = ImportedWeights.ToChannelsLastFlatten(spec, PyTorchStateDict.Read(path), name);
        return Checkpoint.Build(spec, weights, new Dictionary<string, string>(), "PyTorch .pt state_dict", name, device);
    }
}
