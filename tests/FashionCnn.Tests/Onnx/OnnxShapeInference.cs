using FashionCnn.Onnx.Protobuf;

namespace FashionCnn.Tests.Onnx;

/// <summary>
/// ONNX's shape inference for the operators the export uses, written here from the operator definitions
/// (docs/Operators.md) as the reference that an exported file's declared types must agree with, and a type check
/// of each node's inputs (float data, the channels a kernel expects, broadcastable operands). A dimension is a
/// number or a symbol ("N"); like ONNX's inference, arithmetic on a symbol keeps it only where the result is that
/// same dimension.
/// </summary>
internal static class OnnxShapeInference
{
    /// <summary>Every disagreement between what the graph declares and what its operators compute; empty when consistent.</summary>
    public static List<string> Mismatches(ModelProto model)
    {
        var graph = model.Graph;
        var problems = new List<string>();
        var shapes = new Dictionary<string, string[]>();
        var constants = graph.Initializer.ToDictionary(t => t.Name);
        foreach (var input in graph.Input) shapes[input.Name] = Declared(input);
        foreach (var tensor in graph.Initializer) shapes[tensor.Name] = tensor.Dims.Select(d => d.ToString()).ToArray();
        var declared = graph.ValueInfo.Concat(graph.Output).ToDictionary(v => v.Name, Declared);
        foreach (var node in graph.Node)
        {
            string[][] inputs = node.Input.Select(i => shapes[i]).ToArray();
            string[] output;
            try { output = Infer(node, inputs, constants); }
            catch (InvalidOperationException e)
            {
                problems.Add($"{node.Name} ({node.OpType}): {e.Message}");
                continue;
            }
            shapes[node.Output[0]] = output;
            if (!declared.TryGetValue(node.Output[0], out var expected))
                problems.Add($"{node.Output[0]} has no declared type");
            else if (!expected.SequenceEqual(output))
                problems.Add($"{node.Output[0]}: declared ({string.Join(", ", expected)}), inferred ({string.Join(", ", output)})");
        }
        foreach (var value in graph.ValueInfo.Concat(graph.Output).Concat(graph.Input))
            if (value.Type.TensorType.ElemType != (int)TensorProto.Types.DataType.Float)
                problems.Add($"{value.Name} is not float32");
        return problems;
    }

    private static string[] Declared(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()).ToArray();

    private static long[] Ints(NodeProto node, string name, long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.Ints.ToArray() : fallback;

    private static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static string[] Infer(NodeProto node, string[][] inputs, IReadOnlyDictionary<string, TensorProto> constants) => node.OpType switch
    {
        "Relu" or "Sigmoid" or "Tanh" => inputs[0],
        "Softmax" => Require(inputs[0], Int(node, "axis", -1) < inputs[0].Length, "axis outside the input"),
        "Transpose" => Ints(node, "perm", []).Select(p => inputs[0][p]).ToArray(),
        "Conv" => Convolution(node, inputs),
        "MaxPool" or "AveragePool" => Pooling(node, inputs[0]),
        "BatchNormalization" => Require(inputs[0], inputs.Skip(1).All(p => p.Length == 1 && p[0] == inputs[0][1]), "parameters do not match the channels (axis 1)"),
        "Mul" or "Add" => Broadcast(inputs[0], inputs[1]),
        "Flatten" => Flatten(inputs[0], (int)Int(node, "axis", 1)),
        "Reshape" => Reshape(inputs[0], constants[node.Input[1]].Int64Data.ToArray()),
        "Gemm" => Gemm(node, inputs),
        _ => throw new InvalidOperationException("an operator this reference does not know"),
    };

    private static string[] Require(string[] shape, bool condition, string problem) =>
        condition ? shape : throw new InvalidOperationException(problem);

    private static long Number(string dimension) =>
        long.TryParse(dimension, out long n) ? n : throw new InvalidOperationException($"dimension {dimension} must be known");

    /// <summary>Output size along one axis: floor((size + pads − dilated window) / stride) + 1, ONNX's formula without ceil_mode.</summary>
    private static string Spatial(string size, long window, long stride, long before, long after, long dilation = 1) =>
        ((Number(size) + before + after - dilation * (window - 1) - 1) / stride + 1).ToString();

    private static string[] Convolution(NodeProto node, string[][] inputs)
    {
        string[] x = inputs[0], w = inputs[1];
        if (x.Length != 4 || w.Length != 4 || w[1] != x[1]) throw new InvalidOperationException("kernel channels do not match the input's (axis 1)");
        if (inputs.Length > 2 && (inputs[2].Length != 1 || inputs[2][0] != w[0])) throw new InvalidOperationException("bias does not match the filters");
        long[] kernel = Ints(node, "kernel_shape", [Number(w[2]), Number(w[3])]), strides = Ints(node, "strides", [1, 1]);
        long[] pads = Ints(node, "pads", [0, 0, 0, 0]), dilations = Ints(node, "dilations", [1, 1]);
        if (kernel[0] != Number(w[2]) || kernel[1] != Number(w[3])) throw new InvalidOperationException("kernel_shape differs from the weight's");
        return [x[0], w[0], Spatial(x[2], kernel[0], strides[0], pads[0], pads[2], dilations[0]), Spatial(x[3], kernel[1], strides[1], pads[1], pads[3], dilations[1])];
    }

    private static string[] Pooling(NodeProto node, string[] x)
    {
        long[] kernel = Ints(node, "kernel_shape", []), strides = Ints(node, "strides", [1, 1]), pads = Ints(node, "pads", [0, 0, 0, 0]);
        if (x.Length != 4 || kernel.Length != 2) throw new InvalidOperationException("pooling needs (N, C, H, W) and a 2-D window");
        if (pads.Zip(kernel.Concat(kernel)).Any(p => p.First >= p.Second)) throw new InvalidOperationException("padding as wide as the window");
        return [x[0], x[1], Spatial(x[2], kernel[0], strides[0], pads[0], pads[2]), Spatial(x[3], kernel[1], strides[1], pads[1], pads[3])];
    }

    /// <summary>numpy's broadcasting: shapes aligned at the right, each pair equal or one of them 1.</summary>
    private static string[] Broadcast(string[] a, string[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new string[rank];
        for (int i = 1; i <= rank; i++)
        {
            string x = i <= a.Length ? a[^i] : "1", y = i <= b.Length ? b[^i] : "1";
            result[^i] = x == y || y == "1" ? x : x == "1" ? y : throw new InvalidOperationException($"({string.Join(", ", a)}) and ({string.Join(", ", b)}) do not broadcast");
        }
        return result;
    }

    private static string[] Flatten(string[] x, int axis) => [Product(x[..axis]), Product(x[axis..])];

    private static string Product(string[] dimensions) =>
        dimensions.Length == 1 ? dimensions[0] : dimensions.Aggregate(1L, (p, d) => p * Number(d)).ToString();

    /// <summary>0 copies the input's dimension, −1 takes what the others leave; the values per image must stay the same.</summary>
    private static string[] Reshape(string[] x, long[] shape)
    {
        var result = shape.Select((d, i) => d == 0 ? x[i] : d.ToString()).ToArray();
        if (result.Length < 2 || result[0] != x[0]) throw new InvalidOperationException("the batch dimension is not kept");
        long perImage = x.Skip(1).Aggregate(1L, (p, d) => p * Number(d));
        int unknown = Array.IndexOf(shape, -1L);
        if (unknown > 0)
            result[unknown] = (perImage / result.Skip(1).Where(d => d != "-1").Aggregate(1L, (p, d) => p * Number(d))).ToString();
        if (result.Skip(1).Aggregate(1L, (p, d) => p * Number(d)) != perImage) throw new InvalidOperationException("the values per image change");
        return result;
    }

    private static string[] Gemm(NodeProto node, string[][] inputs)
    {
        string[] a = inputs[0], b = inputs[1];
        bool transA = Int(node, "transA", 0) == 1, transB = Int(node, "transB", 0) == 1;
        string m = transA ? a[1] : a[0], k = transA ? a[0] : a[1], kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
        if (k != kb) throw new InvalidOperationException($"inner dimensions {k} and {kb} differ");
        if (inputs.Length > 2) Broadcast([m, n], inputs[2]);
        return [m, n];
    }
}
