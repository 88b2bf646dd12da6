using System.Buffers.Binary;
using System.IO.Compression;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using static TorchSharp.torch;

namespace FashionCnn.Interop;

/// <summary>
/// The one model loader of every verb. What a file is comes from its content, not its extension:
/// a fashioncnn checkpoint (.safetensors with our metadata), a Keras 2 .h5, a Keras 3 .keras, a PyTorch
/// state_dict (.pt), or a plain .safetensors state_dict with this tool's keys.
/// </summary>
public static class ModelFile
{
    public const string PyTorchFormat = "pytorch";
    public const string FlattenOrderKey = "flatten_order";

    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public static LoadedModel Load(string path, Device? device = null)
    {
        string name = Path.GetFileName(path);
        if (Directory.Exists(path)) throw new FashionCnnException($"{path}: is a folder, not a model file.");
        if (!File.Exists(path)) throw new FashionCnnException($"{name}: model file not found at {path}.");

        byte[] head = new byte[16];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FashionCnnException($"{name}: cannot read ({e.Message.TrimEnd('.')}).", e);
        }

        if (read >= 8 && head.AsSpan(0, 8).SequenceEqual(Hdf5Signature))
            return FromImport(KerasModelFile.ReadH5(path), name, device);
        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return IsKerasZip(path) ? FromImport(KerasModelFile.ReadKeras(path), name, device) : FromPyTorch(path, name, device);
        if (read >= 9 && head[8] == '{' && BinaryPrimitives.ReadUInt64LittleEndian(head) < 16 * 1024 * 1024)
            return FromSafeTensors(path, name, device);
        throw new FashionCnnException(
            $"{name}: not a model file fashioncnn can read (a fashioncnn or PyTorch .safetensors, a Keras .h5 or .keras, or a PyTorch .pt state_dict).");
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

    private static LoadedModel FromSafeTensors(string path, string name, Device? device)
    {
        var file = SafeTensors.Read(path);
        if (file.Metadata.GetValueOrDefault(Checkpoint.FormatKey) == Checkpoint.FormatValue)
            return Checkpoint.Load(path, device);
        // A PyTorch-style file: exported by this tool (its model config in the metadata) or written from Python
        // with this tool's keys, in which case it is the book's model.
        var spec = file.Metadata.TryGetValue(Checkpoint.ModelConfigKey, out string? config)
            ? KerasModelConfig.Parse(config, name)
            : ModelSpec.Book;
        var weights = ImportedWeights.ToChannelsLastFlatten(spec, file.Tensors);
        return Checkpoint.Build(spec, weights, file.Metadata, "PyTorch-style .safetensors", name, device);
    }

    private static LoadedModel FromPyTorch(string path, string name, Device? device)
    {
        var spec = ModelSpec.Book;
        var weights = ImportedWeights.ToChannelsLastFlatten(spec, PyTorchStateDict.Read(path));
        return Checkpoint.Build(spec, weights, new Dictionary<string, string>(), "PyTorch .pt state_dict", name, device);
    }
}
