using FashionCnn.Onnx.Protobuf;
using Google.Protobuf;

namespace FashionCnn.Onnx;

/// <summary>
/// Builds one ONNX graph node by node. Every value it creates is typed (float32 with its full shape, the batch
/// as the symbolic dimension <see cref="BatchDimension"/>), so the file reads in Netron with a shape on every
/// edge and ONNX's shape inference has something to agree with. Shapes here are ONNX's, batch first, with
/// <see cref="Batch"/> standing for the batch.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The name of the batch dimension in every shape.</summary>
    public const string BatchDimension = "N";

    /// <summary>A shape entry meaning "the batch".</summary>
    public const long Batch = Model.Layers.LayerGraph.Batch;

    private readonly GraphProto _graph;
    private readonly Dictionary<string, long[]> _shapes = new();

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };


    /// <summary>The shape of a value made so far.</summary>
    public long[] ShapeOf(string value) => _shapes[value];

    public string Input(string name, long[] shape)
    {
        _graph.Input.Add(ValueInfo(name, shape));
        _shapes.Add(name, shape);
        return name;
    }

    /// <summary>A float32 constant (a weight), stored as raw data: little-endian, as ONNX requires and every platform .NET runs on is.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        if (values.Length != dims.Aggregate(1L, (p, d) => p * d))
            throw new ArgumentException($"initializer {name}: {values.Length} values for shape ({string.Join(", ", dims)})");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return AddInitializer(tensor, dims);
    }

    /// <summary>An int64 constant (a shape for Reshape).</summary>
    public string Initializer(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return AddInitializer(tensor, [values.Length]);
    }

    private string AddInitializer(TensorProto tensor, long[] dims)
    {
        _graph.Initializer.Add(tensor);
        _shapes.Add(tensor.Name, dims);
        return tensor.Name;
    }

    /// <summary>
    /// Adds a node with one output, named <paramref name="output"/>, of shape <paramref name="outputShape"/>;
    /// the node takes its name from its output. Returns the output's name.
    /// </summary>
    public string Node(string opType, string output, string[] inputs, long[] outputShape, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        _shapes.Add(output, outputShape);
        return output;
    }

    /// <summary>Declares <paramref name="value"/> the graph's output; every other node output gets its type in value_info.</summary>
    public GraphProto Finish(string value)
    {
        _graph.Output.Add(ValueInfo(value, _shapes[value]));
        foreach (var node in _graph.Node)
            foreach (string output in node.Output)
                if (output != value)
                    _graph.ValueInfo.Add(ValueInfo(output, _shapes[output]));
        return _graph;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long d in shape)
            tensorShape.Dim.Add(d == Batch ? new TensorShapeProto.Types.Dimension { DimParam = BatchDimension } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }
}
