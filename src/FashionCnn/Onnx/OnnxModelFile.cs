using FashionCnn.Files;
using FashionCnn.Onnx.Protobuf;
using Google.Protobuf;

namespace FashionCnn.Onnx;

/// <summary>An ONNX file read and checked: its bytes (what ONNX Runtime loads) and its parsed ModelProto.</summary>
internal sealed record OnnxModel(string Name, byte[] Bytes, ModelProto Proto)
{
    /// <summary>The opset of the default ONNX domain.</summary>
    public long Opset => Proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    public string? Metadata(string key) => Proto.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;
}

/// <summary>
/// Reads an .onnx file with the same generated classes that write it, and refuses, in one sentence naming the
/// file, anything that is not a well-formed ONNX model (<see cref="OnnxModelCheck"/>) before ONNX Runtime's native
/// code sees it.
/// </summary>
internal static class OnnxModelFile
{
    /// <summary>Protobuf's own limit for one message; this tool's largest model (100 million parameters) is 400 MB.</summary>
    public const long MaxBytes = int.MaxValue;

    public static OnnxModel Read(string path, string option = "--model") => Parse(InputFiles.ReadAllBytes(path, MaxBytes, option), Path.GetFileName(path));

    public static OnnxModel Parse(byte[] bytes, string name)
    {
        ModelProto proto;
        try { proto = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new FashionCnnException($"{name}: not an ONNX model (its protobuf is malformed: {e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
        var problems = OnnxModelCheck.Problems(proto);
        if (problems.Count > 0)
            throw new FashionCnnException($"{name}: not a usable ONNX model ({problems[0]}{(problems.Count > 1 ? $", and {problems.Count - 1} more problem(s)" : "")}).");
        return new OnnxModel(name, bytes, proto);
    }
}
