using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FashionCnn.Files;

namespace FashionCnn.Checkpoints;

/// <summary>One float32 tensor: its shape and values in row-major order.</summary>
public sealed record NamedTensor(string Name, long[] Shape, float[] Values)
{
    /// <summary>A copy of <paramref name="tensor"/>'s values on the host.</summary>
    public static NamedTensor From(string name, TorchSharp.torch.Tensor tensor)
    {
        // detach, cpu and contiguous may each make a new handle; the scope frees every one of them.
        using var scope = TorchSharp.torch.NewDisposeScope();
        var host = tensor.detach().cpu().contiguous();
        return new NamedTensor(name, host.shape, host.data<float>().ToArray());
    }
}

/// <summary>The content of a safetensors file: tensors in file order and the string metadata.</summary>
public sealed record SafeTensorsFile(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    public NamedTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);
}

/// <summary>
/// Hugging Face's safetensors format (what PyTorch's <c>safetensors.torch.load_file</c> reads): an unsigned
/// 64-bit little-endian header length, a JSON header mapping each tensor name to dtype, shape and byte
/// offsets plus an optional <c>__metadata__</c> map of strings, then the raw little-endian data. Only F32
/// tensors are written or read. The reader checks every length and offset before it allocates.
/// </summary>
public static class SafeTensors
{
    public const string MetadataKey = "__metadata__";

    // Our checkpoints hold 1.3 MB of weights; a header is a few kB. Anything far beyond is not ours.
    private const long MaxHeaderBytes = 16L * 1024 * 1024;
    private const long MaxFileBytes = 1L << 30;

    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        Write(buffer, tensors, metadata);
        return buffer.ToArray();
    }

    /// <summary>Writes the file to <paramref name="output"/>, the tensors' values straight from their arrays.</summary>
    public static void Write(Stream output, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian");
        var header = new JsonObject();
        if (metadata.Count > 0)
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata) meta[key] = value;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        var list = tensors.ToList();
        foreach (var tensor in list)
        {
            long bytes = tensor.Values.LongLength * sizeof(float);
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the format recommends 8-byte alignment of the data, padded with spaces
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        output.Write(length);
        output.Write(json);
        for (int i = json.Length; i < padded; i++) output.WriteByte((byte)' ');
        foreach (var tensor in list) output.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
    }

    /// <summary>Whether a file's first bytes look like safetensors: a header length this reader accepts, then a JSON object.</summary>
    public static bool LooksLikeSafeTensors(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && head[8] == '{' && BinaryPrimitives.ReadUInt64LittleEndian(head) <= MaxHeaderBytes;

    public static SafeTensorsFile Read(string path, string option = "--model") =>
        Parse(InputFiles.ReadAllBytes(path, MaxFileBytes, option), Path.GetFileName(path));

    /// <summary>
    /// Parses and checks a whole file: a strict UTF-8 JSON header without repeated keys, every entry with a known
    /// dtype, a shape and two offsets, and the tensors' byte ranges tiling the data exactly, with neither overlaps
    /// nor holes (what the format requires and the reference implementation enforces).
    /// </summary>
    public static SafeTensorsFile Parse(byte[] content, string name)
    {
        if (content.Length < 8) throw Corrupt(name, "shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(content);
        if (headerLength > MaxHeaderBytes || (long)headerLength > content.Length - 8)
            throw Corrupt(name, $"header length {headerLength} does not fit the {content.Length}-byte file");

        JsonObject header;
        try
        {
            // Strict UTF-8 first: the JSON reader would otherwise fail later, on first access to a bad string.
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content, 8, (int)headerLength);
            header = JsonFormat.ParseStrict(text) as JsonObject ?? throw Corrupt(name, "the header is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw Corrupt(name, e is JsonException && e.Message.StartsWith("Duplicate", StringComparison.Ordinal)
                ? "the header repeats a key" : "the header is not UTF-8 JSON");
        }

        long dataStart = 8 + (long)headerLength, dataLength = content.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new List<(long Begin, long End, NamedTensor Tensor)>();
        foreach (var (key, node) in header)
        {
            if (key == MetadataKey)
            {
                if (node is not JsonObject meta) throw Corrupt(name, "__metadata__ is not an object");
                foreach (var (metaKey, value) in meta)
                    metadata[metaKey] = value is JsonValue v && v.TryGetValue(out string? text) ? text : throw Corrupt(name, $"__metadata__ value {metaKey} is not a string");
                continue;
            }
            var (begin, end, tensor) = Entry(key, node, content, dataStart, dataLength, name);
            tensors.Add((begin, end, tensor));
        }
        long expected = 0;
        foreach (var (begin, end, tensor) in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (begin != expected)
                throw Corrupt(name, begin < expected ? $"tensor {tensor.Name} overlaps the one before it" : $"a gap of {begin - expected} bytes before tensor {tensor.Name}");
            expected = end;
        }
        if (expected != dataLength) throw Corrupt(name, $"{dataLength - expected} bytes after the last tensor");
        return new SafeTensorsFile(tensors.OrderBy(t => t.Begin).Select(t => t.Tensor).ToList(), metadata);
    }

    private static (long Begin, long End, NamedTensor Tensor) Entry(string key, JsonNode? node, byte[] content, long dataStart, long dataLength, string name)
    {
        if (node is not JsonObject entry || entry["dtype"] is not JsonValue dtypeNode || !dtypeNode.TryGetValue(out string? dtype)
            || entry["shape"] is not JsonArray shapeNode || entry["data_offsets"] is not JsonArray offsetNode)
            throw Corrupt(name, $"entry {key} lacks a dtype, shape or data_offsets");
        if (dtype != "F32") throw new FashionCnnException($"{name}: tensor {key} is {dtype}; only F32 is supported.");
        long[] shape = Longs(shapeNode, key, name);
        long[] offsets = Longs(offsetNode, key, name);
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0 || (d > 0 && count > dataLength / d)) throw Corrupt(name, $"tensor {key} has an impossible shape");
            count *= d;
        }
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength
            || offsets[1] - offsets[0] != count * sizeof(float))
            throw Corrupt(name, $"tensor {key} has offsets that do not match its shape or the file");
        var values = new float[count];
        content.AsSpan((int)(dataStart + offsets[0]), (int)(count * sizeof(float))).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return (offsets[0], offsets[1], new NamedTensor(key, shape, values));
    }

    private static long[] Longs(JsonArray array, string key, string name) =>
        array.Select(d => d is JsonValue v && v.TryGetValue(out long n) ? n : throw Corrupt(name, $"entry {key} has a non-integer shape or offset")).ToArray();

    private static FashionCnnException Corrupt(string name, string what) => new($"{name}: not a valid safetensors file ({what}).");
}
