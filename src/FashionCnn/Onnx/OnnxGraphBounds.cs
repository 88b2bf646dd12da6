using FashionCnn.Onnx.Protobuf;
using static FashionCnn.Onnx.Protobuf.AttributeProto.Types;
using static FashionCnn.Onnx.Protobuf.TensorProto.Types;

namespace FashionCnn.Onnx;

/// <summary>
/// The graph walk every .onnx file gets before ONNX Runtime creates a session for it, so that a file cannot make the
/// session run forever or allocate without bound. Only the operators of a Sequential classifier are accepted: those
/// this tool's export writes and those tf2onnx and torch.onnx write for the same Keras and PyTorch layers. Control
/// flow (Loop, If, Scan: any subgraph) and operators that make a tensor of a size read from data (ConstantOfShape,
/// Expand, Tile, Range, Resize) are refused; the node count, every declared size, every constant and every padding
/// are bounded; a tensor stored in an external file is refused (this tool's export never writes one).
/// </summary>
internal static class OnnxGraphBounds
{
    /// <summary>The largest model this tool trains has a few dozen nodes; tf2onnx's export of it a few hundred.</summary>
    public const int MaxNodes = 10_000;

    /// <summary>One declared tensor (a value's shape, a constant): 256 M elements, 1 GB of float32.</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>A padding or a stride larger than any image this tool reads (the largest is 1,024 pixels a side).</summary>
    public const long MaxPadding = 4096;

    /// <summary>Operators of the default domain that classifiers of this tool's layers use.</summary>
    private static readonly HashSet<string> Operators =
    [
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
        "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Sqrt", "Reciprocal", "Neg", "Max", "Min", "Clip",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp",
        "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast",
        "Shape", "Gather", "Slice", "Concat", "Constant", "Pad",
    ];

    public static void Check(GraphProto graph, List<string> problems)
    {
        if (graph.Node.Count > MaxNodes)
        {
            problems.Add($"its graph has {graph.Node.Count:N0} nodes, more than the {MaxNodes:N0} a classifier of this tool's layers needs");
            return;
        }
        foreach (var node in graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                problems.Add($"node '{node.Name}' uses operator {node.Domain}.{node.OpType}, outside the ONNX domain");
            else if (node.OpType is "Loop" or "If" or "Scan")
                problems.Add($"node '{node.Name}' is control flow ({node.OpType}), which a classifier of this tool's layers does not use");
            else if (!Operators.Contains(node.OpType))
                problems.Add($"node '{node.Name}' uses operator {node.OpType}, which is not one of a classifier of this tool's layers");
            foreach (var attribute in node.Attribute) CheckAttribute(node, attribute, problems);
            // Pad takes its sizes as an input: a constant one is bounded like a padding attribute; a computed one is refused.
            if (node.OpType == "Pad" && node.Input.Count > 1)
            {
                var pads = graph.Initializer.FirstOrDefault(t => t.Name == node.Input[1]);
                if (pads is null || Int64Values(pads).Any(v => v < 0 || v > MaxPadding))
                    problems.Add($"node '{node.Name}' (Pad) pads by sizes that are computed or outside 0–{MaxPadding}");
            }
        }
        foreach (var tensor in graph.Initializer) CheckTensor($"initializer '{tensor.Name}'", tensor, problems);
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
            if (value.Type?.TensorType?.Shape is { } shape && Elements(shape.Dim.Where(d => d.HasDimValue).Select(d => d.DimValue)) > MaxElements)
                problems.Add($"value '{value.Name}' declares a shape of more than {MaxElements:N0} elements");
    }

    private static void CheckAttribute(NodeProto node, AttributeProto attribute, List<string> problems)
    {
        if (attribute.G is not null || attribute.Graphs.Count > 0 || attribute.Type is AttributeType.Graph or AttributeType.Graphs)
            problems.Add($"node '{node.Name}' ({node.OpType}) holds a subgraph, which a classifier of this tool's layers does not use");
        if (attribute.T is { } tensor) CheckTensor($"node '{node.Name}' ({node.OpType})", tensor, problems);
        foreach (var each in attribute.Tensors) CheckTensor($"node '{node.Name}' ({node.OpType})", each, problems);
        if (attribute.Name is "pads" or "strides" or "dilations" or "kernel_shape" && attribute.Ints.Any(v => v < 0 || v > MaxPadding))
            problems.Add($"node '{node.Name}' ({node.OpType}) has {attribute.Name} ({string.Join(", ", attribute.Ints)}) outside 0–{MaxPadding}");
    }

    private static void CheckTensor(string what, TensorProto tensor, List<string> problems)
    {
        if (tensor.DataLocation == DataLocation.External || tensor.ExternalData.Count > 0)
            problems.Add($"{what} is stored in an external file, which this tool does not read");
        else if (tensor.Dims.Any(d => d < 0) || Elements(tensor.Dims) > MaxElements)
            problems.Add($"{what} declares a tensor of more than {MaxElements:N0} elements");
    }

    private static IEnumerable<long> Int64Values(TensorProto tensor) => tensor.HasRawData && tensor.DataType == (int)DataType.Int64
        ? Enumerable.Range(0, tensor.RawData.Length / 8).Select(i => BitConverter.ToInt64(tensor.RawData.Span.Slice(i * 8, 8)))
        : tensor.Int64Data;

    /// <summary>The product of the sizes, saturating instead of wrapping (a product that wraps to 784 is not 784).</summary>
    private static long Elements(IEnumerable<long> dims)
    {
        long product = 1;
        foreach (long d in dims)
        {
            if (d < 0) return long.MaxValue;
            if (d != 0 && product > long.MaxValue / d) return long.MaxValue;
            product *= d;
        }
        return product;
    }
}
