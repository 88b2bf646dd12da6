using FashionCnn.Onnx.Protobuf;
using static FashionCnn.Onnx.Protobuf.TensorProto.Types;

namespace FashionCnn.Onnx;

/// <summary>
/// The structural rules of ONNX's checker that a file can break without its protobuf being malformed: a
/// version and an opset, a graph whose nodes are in topological order and use only values defined before
/// them, each value defined once, typed inputs and outputs, and initializers whose data fits their shape.
/// A file is checked before ONNX Runtime sees it, so a forged one is a sentence rather than whatever the
/// native code makes of it. <see cref="Strict"/> adds what this tool's own exports promise on top:
/// no unused initializer and a type with a full shape for every value.
/// </summary>
internal static class OnnxModelCheck
{
    public static IReadOnlyList<string> Problems(ModelProto model) => Check(model, strict: false);

    public static IReadOnlyList<string> Strict(ModelProto model) => Check(model, strict: true);

    private static List<string> Check(ModelProto model, bool strict)
    {
        var problems = new List<string>();
        if (!model.HasIrVersion || model.IrVersion < 3)
            problems.Add(model.HasIrVersion ? $"IR version {model.IrVersion} is older than any with opsets (3)" : "it has no IR version");
        if (!model.OpsetImport.Any(o => o.Domain is "" or "ai.onnx" && o.Version >= 1))
            problems.Add("it declares no opset of the default ONNX domain");
        var graph = model.Graph;
        if (graph is null)
        {
            problems.Add("it has no graph");
            return problems;
        }
        if (graph.Input.Count == 0 || graph.Output.Count == 0 || graph.Node.Count == 0)
            problems.Add("its graph lacks inputs, outputs or nodes");
        OnnxGraphBounds.Check(graph, problems);
        CheckValues(graph, strict, problems);
        foreach (var tensor in graph.Initializer) CheckInitializer(tensor, problems);
        foreach (var value in graph.Input.Concat(graph.Output))
            if (!IsTyped(value, requireShape: strict)) problems.Add($"graph input or output '{value.Name}' has no tensor type");
        return problems;
    }

    /// <summary>Each value defined once, before its first use; with <paramref name="strict"/>, each initializer used and each value typed.</summary>
    private static void CheckValues(GraphProto graph, bool strict, List<string> problems)
    {
        var defined = new HashSet<string>();
        foreach (string name in graph.Initializer.Select(t => t.Name).Concat(graph.Input.Select(i => i.Name)).Distinct())
            if (!defined.Add(name) || name == "") problems.Add($"value '{name}' is defined twice or has no name");
        if (graph.Initializer.Select(t => t.Name).Distinct().Count() != graph.Initializer.Count)
            problems.Add("two initializers have the same name");
        var used = new HashSet<string>();
        var typed = graph.ValueInfo.Where(v => IsTyped(v, requireShape: true)).Select(v => v.Name).ToHashSet();
        foreach (var node in graph.Node)
        {
            if (string.IsNullOrEmpty(node.OpType)) problems.Add($"node '{node.Name}' has no operator");
            foreach (string input in node.Input.Where(i => i != ""))
            {
                if (!defined.Contains(input)) problems.Add($"node '{node.Name}' ({node.OpType}) uses '{input}' before it is defined");
                used.Add(input);
            }
            foreach (string output in node.Output.Where(o => o != ""))
            {
                if (!defined.Add(output)) problems.Add($"value '{output}' is defined twice");
                if (strict && !typed.Contains(output) && !graph.Output.Any(o => o.Name == output))
                    problems.Add($"value '{output}' has no type in value_info");
            }
        }
        foreach (var output in graph.Output)
        {
            if (!defined.Contains(output.Name)) problems.Add($"graph output '{output.Name}' is never computed");
            used.Add(output.Name);
        }
        if (strict)
            foreach (var tensor in graph.Initializer.Where(t => !used.Contains(t.Name)))
                problems.Add($"initializer '{tensor.Name}' is not used");
    }

    private static bool IsTyped(ValueInfoProto value, bool requireShape) =>
        value.Type?.TensorType is { ElemType: > 0 } tensor
        && (!requireShape || tensor.Shape is { } shape && shape.Dim.All(d => d.HasDimValue && d.DimValue >= 0 || d.HasDimParam && d.DimParam != ""));

    private static void CheckInitializer(TensorProto tensor, List<string> problems)
    {
        if (tensor.DataLocation == DataLocation.External || tensor.ExternalData.Count > 0)
        {
            problems.Add($"initializer '{tensor.Name}' is stored in an external file, which this tool does not read");
            return;
        }
        if (tensor.Dims.Any(d => d < 0) || tensor.Dims.Aggregate(1.0, (p, d) => p * d) > int.MaxValue)
        {
            problems.Add($"initializer '{tensor.Name}' has an impossible shape");
            return;
        }
        long count = tensor.Dims.Aggregate(1L, (p, d) => p * d);
        if (tensor.DataType <= (int)DataType.Undefined)
            problems.Add($"initializer '{tensor.Name}' has no data type");
        else if (ElementSize((DataType)tensor.DataType) is int size && !HoldsExactly(tensor, count, size))
            problems.Add($"initializer '{tensor.Name}' holds a different number of values than its shape ({string.Join(", ", tensor.Dims)}) needs");
    }

    /// <summary>Whether the tensor's data holds <paramref name="count"/> values; true for storage this check does not know.</summary>
    private static bool HoldsExactly(TensorProto tensor, long count, int elementSize)
    {
        if (tensor.HasRawData) return tensor.RawData.Length == count * elementSize;
        long? stored = (DataType)tensor.DataType switch
        {
            DataType.Float => tensor.FloatData.Count,
            DataType.Double => tensor.DoubleData.Count,
            DataType.Int64 => tensor.Int64Data.Count,
            DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint16 or DataType.Uint8 or DataType.Bool or DataType.Float16 => tensor.Int32Data.Count,
            _ => null,
        };
        return stored is null || stored == count;
    }

    private static int? ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        DataType.Complex128 => 16,
        _ => null,
    };
}
