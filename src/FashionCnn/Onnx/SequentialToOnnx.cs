using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Onnx.Protobuf;
using static FashionCnn.Onnx.OnnxGraphBuilder;

namespace FashionCnn.Onnx;

/// <summary>
/// Translates a <see cref="ModelSpec"/> and its weights into an ONNX graph that computes what
/// <see cref="SequentialNet.Probabilities"/> computes: the input in the Keras model's own shape (an image as
/// (N, H, W, C)), every layer as it writes itself (<see cref="Layer.WriteOnnx"/>), and a final Softmax.
/// This class is the protobuf side of <see cref="LayerGraph"/>: nodes, initializers and the weights by name.
/// </summary>
internal sealed class SequentialToOnnx : LayerGraph
{
    private readonly OnnxGraphBuilder _graph;
    private readonly IReadOnlyDictionary<string, NamedTensor> _weights;

    private SequentialToOnnx(OnnxGraphBuilder graph, IReadOnlyList<NamedTensor> weights, string input) : base(input)
    {
        _graph = graph;
        _weights = weights.ToDictionary(w => w.Name);
    }

    /// <summary>The graph of <paramref name="spec"/>; errors name <paramref name="source"/>.</summary>
    public static GraphProto Translate(ModelSpec spec, IReadOnlyList<NamedTensor> weights, string source)
    {
        if (spec.OutputShape.Rank != 1)
            throw new FashionCnnException(
                $"{source}: the model ends in {spec.OutputShape}; an ONNX export gives class probabilities (N, classes), so the model must end in a vector (a Dense layer).");
        var graph = new OnnxGraphBuilder("sequential");
        string input = graph.Input(OnnxFormat.InputName, [Batch, .. spec.InputShape.Dimensions.Select(d => (long)d)]);
        var translation = new SequentialToOnnx(graph, weights, input);
        var shapes = spec.Shapes();
        for (int i = 0; i < shapes.Count; i++)
            shapes[i].Layer.WriteOnnx(translation, shapes[i].Input, shapes[i].Output, isOutput: i == shapes.Count - 1);
        // The model's own softmax is left out of its last layer (as in SequentialNet), so one Softmax here gives
        // the probabilities whether the last layer ends in softmax or in linear logits.
        graph.Node("Softmax", OnnxFormat.OutputName, [translation.Value], translation.Shape, Int("axis", 1));
        return graph.Finish(OnnxFormat.OutputName);
    }

    public override string Weight(Layer layer, LayerVariable variable)
    {
        var weight = _weights[$"{layer.ModuleName}.{variable.TorchName}"];
        return _graph.Initializer($"{layer.Name}.{variable.TorchName}", weight.Shape, weight.Values);
    }

    public override float[] WeightValues(Layer layer, LayerVariable variable) => _weights[$"{layer.ModuleName}.{variable.TorchName}"].Values;

    public override string Constant(string name, long[] dims, float[] values) => _graph.Initializer(name, dims, values);

    public override string Constant(string name, long[] values) => _graph.Initializer(name, values);

    protected override long[] ShapeOf(string value) => _graph.ShapeOf(value);

    protected override string AddNode(string op, string name, string[] inputs, long[] shape, GraphAttribute[] attributes) =>
        _graph.Node(op, name, inputs, shape, attributes.Select(Attribute).ToArray());

    private static AttributeProto Attribute(GraphAttribute attribute) => attribute.Value switch
    {
        long value => Int(attribute.Name, value),
        long[] values => Ints(attribute.Name, values),
        float value => Float(attribute.Name, value),
        var other => throw new InvalidOperationException($"attribute {attribute.Name}: no ONNX type for {other.GetType().Name}"),
    };
}
