namespace FashionCnn.Model.Layers;

/// <summary>An attribute of a graph node: a number (long), a list of numbers (long[]) or a float.</summary>
public sealed record GraphAttribute(string Name, object Value)
{
    public static GraphAttribute Int(string name, long value) => new(name, value);

    public static GraphAttribute Ints(string name, params long[] values) => new(name, values);

    public static GraphAttribute Float(string name, float value) => new(name, value);
}

/// <summary>
/// An ONNX graph as a layer writes itself into it (<see cref="Layer.WriteOnnx"/>): one current value, the output of
/// the layers so far, which each node replaces. Convolutions and pooling run on (N, C, H, W), ONNX's only image layout;
/// the graph moves an image there before the first of them (<see cref="ToChannelsFirst"/>) and back to Keras' (H, W, C)
/// order before a Flatten or Reshape (<see cref="ToKerasOrder"/>), so the Dense kernels keep Keras' column order. The
/// protobuf itself is the ONNX writer's, which derives from this.
/// </summary>
public abstract class LayerGraph(string input)
{
    /// <summary>The batch dimension in a shape.</summary>
    public const long Batch = -1;

    /// <summary>The name of the current value.</summary>
    public string Value { get; private set; } = input;

    /// <summary>Whether <see cref="Value"/> holds an image as (N, C, H, W) rather than in Keras' (N, H, W, C).</summary>
    public bool ChannelsFirst { get; private set; }

    /// <summary>The current value's shape, <see cref="Batch"/> for the batch.</summary>
    public long[] Shape => ShapeOf(Value);

    /// <summary>The initializer holding <paramref name="variable"/> of <paramref name="layer"/> in PyTorch's layout (a Conv2D kernel (out, in, kh, kw)).</summary>
    public abstract string Weight(Layer layer, LayerVariable variable);

    /// <summary>The values of <paramref name="variable"/> of <paramref name="layer"/>, for a layer that folds them into other constants.</summary>
    public abstract float[] WeightValues(Layer layer, LayerVariable variable);

    /// <summary>A float initializer called <paramref name="name"/>.</summary>
    public abstract string Constant(string name, long[] dims, float[] values);

    /// <summary>An int64 vector initializer called <paramref name="name"/>.</summary>
    public abstract string Constant(string name, long[] values);

    protected abstract long[] ShapeOf(string value);

    /// <summary>Adds a node with one output called <paramref name="name"/>; returns that name.</summary>
    protected abstract string AddNode(string op, string name, string[] inputs, long[] shape, GraphAttribute[] attributes);

    /// <summary>A node <c>layer/op</c> on the current value and <paramref name="inputs"/>, whose output of <paramref name="shape"/> becomes the current value.</summary>
    public void Apply(string layer, string op, string[] inputs, long[] shape, params GraphAttribute[] attributes) =>
        Value = AddNode(op, $"{layer}/{op}", [Value, .. inputs], shape, attributes);

    /// <summary>The layer's activation; the model's last softmax is left to the graph's final Softmax.</summary>
    public void Activate(string layer, Activation activation, bool isOutput)
    {
        if (Activations.OnnxOperator(activation, isOutput) is not { } op) return;
        long[] shape = Shape;
        // Keras' softmax is over the last Keras axis: the channels, which are axis 1 of an (N, C, H, W) image.
        GraphAttribute[] attributes = op == "Softmax" ? [GraphAttribute.Int("axis", ChannelsFirst ? 1 : shape.Length - 1)] : [];
        Apply(layer, op, [], shape, attributes);
    }

    public void ToChannelsFirst(string layer)
    {
        long[] shape = Shape;
        if (ChannelsFirst || shape.Length != 4) return;
        Value = AddNode("Transpose", $"{layer}/ToChannelsFirst", [Value], [shape[0], shape[3], shape[1], shape[2]], [GraphAttribute.Ints("perm", 0, 3, 1, 2)]);
        ChannelsFirst = true;
    }

    public void ToKerasOrder(string layer)
    {
        if (!ChannelsFirst) return;
        long[] shape = Shape;
        Value = AddNode("Transpose", $"{layer}/ToChannelsLast", [Value], [shape[0], shape[2], shape[3], shape[1]], [GraphAttribute.Ints("perm", 0, 2, 3, 1)]);
        ChannelsFirst = false;
    }
}
