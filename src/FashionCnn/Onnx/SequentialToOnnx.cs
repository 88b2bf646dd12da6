using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Onnx.Protobuf;
using static FashionCnn.Onnx.OnnxGraphBuilder;

namespace FashionCnn.Onnx;

/// <summary>
/// Translates a <see cref="ModelSpec"/> and its weights into an ONNX graph that computes what
/// <see cref="SequentialNet.Probabilities"/> computes: the input in the Keras model's own shape (an image as
/// (N, H, W, C)), every layer as Keras applies it at inference, and a final Softmax. Convolutions and pooling
/// run on (N, C, H, W), ONNX's only image layout; the graph moves an image there before the first of them and
/// back to Keras' (H, W, C) order before a Flatten or Reshape, so the Dense kernels keep Keras' column order.
/// </summary>
internal sealed class SequentialToOnnx
{
    private readonly OnnxGraphBuilder _graph;
    private readonly IReadOnlyDictionary<string, NamedTensor> _weights;
    private readonly string _source;
    private string _value;

    /// <summary>Whether <see cref="_value"/> holds an image as (N, C, H, W) rather than in Keras' (N, H, W, C).</summary>
    private bool _channelsFirst;

    private SequentialToOnnx(OnnxGraphBuilder graph, IReadOnlyList<NamedTensor> weights, string source, string input)
    {
        _graph = graph;
        _weights = weights.ToDictionary(w => w.Name);
        _source = source;
        _value = input;
    }

    /// <summary>The graph of <paramref name="spec"/>; errors name <paramref name="source"/>.</summary>
    public static GraphProto Translate(ModelSpec spec, IReadOnlyList<NamedTensor> weights, string source)
    {
        if (spec.OutputShape.Rank != 1)
            throw new FashionCnnException(
                $"{source}: the model ends in {spec.OutputShape}; an ONNX export gives class probabilities (N, classes), so the model must end in a vector (a Dense layer).");
        var graph = new OnnxGraphBuilder("sequential");
        string input = graph.Input(OnnxFormat.InputName, [Batch, .. spec.InputShape.Dimensions.Select(d => (long)d)]);
        var translation = new SequentialToOnnx(graph, weights, source, input);
        var shapes = spec.Shapes();
        for (int i = 0; i < shapes.Count; i++)
            translation.Add(shapes[i].Layer, shapes[i].Input, shapes[i].Output, isOutput: i == shapes.Count - 1);
        // The model's own softmax is left out of its last layer (as in SequentialNet), so one Softmax here gives
        // the probabilities whether the last layer ends in softmax or in linear logits.
        graph.Node("Softmax", OnnxFormat.OutputName, [translation._value], graph.ShapeOf(translation._value), Int("axis", 1));
        return graph.Finish(OnnxFormat.OutputName);
    }

    private void Add(Layer layer, TensorShape input, TensorShape output, bool isOutput)
    {
        switch (layer)
        {
            case Rescaling rescaling:
                Rescale(rescaling);
                break;
            case Conv2D conv:
                Convolve(conv, input, output);
                Activate(conv.Name, conv.Activation, isOutput);
                break;
            case Pooling2D pool:
                Pool(pool, input, output);
                break;
            case BatchNormalization norm:
                Normalize(norm, input);
                break;
            case Flatten flatten:
                FlattenLikeKeras(flatten, input);
                break;
            case Reshape reshape:
                ReshapeLikeKeras(reshape, output);
                break;
            case Dense dense:
                _value = _graph.Node("Gemm", $"{dense.Name}/Gemm", [_value, Weight(dense, "weight"), Weight(dense, "bias")],
                    [Batch, dense.Units], Int("transB", 1));
                Activate(dense.Name, dense.Activation, isOutput);
                break;
            case Dropout:
            case RandomAugmentation:
                break; // inference: the identity (an augmentation layer is named in the export's metadata)
            default:
                throw new FashionCnnException(
                    $"{_source}: layer {layer.Name} ({layer.KerasClass}) has no ONNX translation in fashioncnn; export the model as pt or safetensors instead.");
        }
    }

    private string Weight(Layer layer, string part) =>
        _graph.Initializer($"{layer.Name}.{part}", _weights[$"{layer.ModuleName}.{part}"].Shape, _weights[$"{layer.ModuleName}.{part}"].Values);

    private void Rescale(Rescaling rescaling)
    {
        long[] shape = _graph.ShapeOf(_value);
        _value = _graph.Node("Mul", $"{rescaling.Name}/Mul", [_value, _graph.Initializer($"{rescaling.Name}.scale", [], [(float)rescaling.Scale])], shape);
        if (rescaling.Offset != 0)
            _value = _graph.Node("Add", $"{rescaling.Name}/Add", [_value, _graph.Initializer($"{rescaling.Name}.offset", [], [(float)rescaling.Offset])], shape);
    }

    private void Convolve(Conv2D conv, TensorShape input, TensorShape output)
    {
        ToChannelsFirst(conv.Name);
        var (top, bottom) = conv.SamePadding ? conv.SamePaddingFor(input[0]) : (0, 0);
        var (left, right) = conv.SamePadding ? conv.SamePaddingFor(input[1]) : (0, 0);
        _value = _graph.Node("Conv", $"{conv.Name}/Conv", [_value, Weight(conv, "weight"), Weight(conv, "bias")],
            [Batch, output[2], output[0], output[1]],
            Ints("kernel_shape", conv.KernelSize, conv.KernelSize), Ints("strides", conv.Strides, conv.Strides),
            Ints("pads", top, left, bottom, right), Ints("dilations", 1, 1), Int("group", 1));
    }

    /// <summary>
    /// TensorFlow's pooling: "same" pads the odd cell at the bottom and right. ONNX's MaxPool never picks a
    /// padded cell, and AveragePool with count_include_pad = 0 divides by the cells inside the image, as TensorFlow does.
    /// </summary>
    private void Pool(Pooling2D pool, TensorShape input, TensorShape output)
    {
        ToChannelsFirst(pool.Name);
        var (top, bottom) = pool.SamePadding ? pool.SamePaddingFor(input[0]) : (0, 0);
        var (left, right) = pool.SamePadding ? pool.SamePaddingFor(input[1]) : (0, 0);
        AttributeProto[] attributes =
        [
            Ints("kernel_shape", pool.PoolSize, pool.PoolSize), Ints("strides", pool.Stride, pool.Stride), Ints("pads", top, left, bottom, right),
            .. pool is AveragePooling2D ? [Int("count_include_pad", 0)] : Array.Empty<AttributeProto>(),
        ];
        string op = pool is MaxPooling2D ? "MaxPool" : "AveragePool";
        _value = _graph.Node(op, $"{pool.Name}/{op}", [_value], [Batch, output[2], output[0], output[1]], attributes);
    }

    /// <summary>
    /// Keras' BatchNormalization at inference, over the last Keras axis. ONNX's BatchNormalization normalises axis 1,
    /// which is that axis for an image in (N, C, H, W) and for a vector; for a (N, H, W) input the same arithmetic is
    /// folded into one multiplication and one addition along the last axis.
    /// </summary>
    private void Normalize(BatchNormalization norm, TensorShape input)
    {
        if (input.Rank == 3) ToChannelsFirst(norm.Name);
        long[] shape = _graph.ShapeOf(_value);
        if (input.Rank != 2)
        {
            _value = _graph.Node("BatchNormalization", $"{norm.Name}/BatchNormalization",
                [_value, Weight(norm, "weight"), Weight(norm, "bias"), Weight(norm, "running_mean"), Weight(norm, "running_var")],
                shape, Float("epsilon", (float)norm.Epsilon));
            return;
        }
        float[] gamma = _weights[$"{norm.ModuleName}.weight"].Values, beta = _weights[$"{norm.ModuleName}.bias"].Values;
        float[] mean = _weights[$"{norm.ModuleName}.running_mean"].Values, variance = _weights[$"{norm.ModuleName}.running_var"].Values;
        double[] scale = gamma.Select((g, i) => g / Math.Sqrt((double)variance[i] + (float)norm.Epsilon)).ToArray();
        float[] shift = beta.Select((b, i) => (float)(b - mean[i] * scale[i])).ToArray();
        long[] dims = [gamma.Length];
        _value = _graph.Node("Mul", $"{norm.Name}/Mul", [_value, _graph.Initializer($"{norm.Name}.scale", dims, scale.Select(s => (float)s).ToArray())], shape);
        _value = _graph.Node("Add", $"{norm.Name}/Add", [_value, _graph.Initializer($"{norm.Name}.shift", dims, shift)], shape);
    }

    /// <summary>Keras flattens in (H, W, C) order: the image goes back to Keras' layout first.</summary>
    private void FlattenLikeKeras(Flatten flatten, TensorShape input)
    {
        if (input.Rank == 1) return;
        ToKerasOrder(flatten.Name);
        _value = _graph.Node("Flatten", $"{flatten.Name}/Flatten", [_value], [Batch, input.ElementCount], Int("axis", 1));
    }

    /// <summary>Keras reshapes the channels-last values in row-major order; 0 in ONNX's shape keeps the batch.</summary>
    private void ReshapeLikeKeras(Reshape reshape, TensorShape output)
    {
        ToKerasOrder(reshape.Name);
        long[] target = [0, .. output.Dimensions.Select(d => (long)d)];
        _value = _graph.Node("Reshape", $"{reshape.Name}/Reshape", [_value, _graph.Initializer($"{reshape.Name}.shape", target)],
            [Batch, .. output.Dimensions.Select(d => (long)d)]);
    }

    /// <summary>The layer's activation; the model's last softmax is left to the final Softmax.</summary>
    private void Activate(string layer, Activation activation, bool isOutput)
    {
        long[] shape = _graph.ShapeOf(_value);
        string? op = activation switch
        {
            Activation.Relu => "Relu",
            Activation.Sigmoid => "Sigmoid",
            Activation.Tanh => "Tanh",
            Activation.Softmax when !isOutput => "Softmax",
            _ => null,
        };
        if (op is null) return;
        // Keras' softmax is over the last Keras axis: the channels, which are axis 1 of an (N, C, H, W) image.
        AttributeProto[] attributes = op == "Softmax" ? [Int("axis", _channelsFirst ? 1 : shape.Length - 1)] : [];
        _value = _graph.Node(op, $"{layer}/{op}", [_value], shape, attributes);
    }

    private void ToChannelsFirst(string layer)
    {
        long[] shape = _graph.ShapeOf(_value);
        if (_channelsFirst || shape.Length != 4) return;
        _value = _graph.Node("Transpose", $"{layer}/ToChannelsFirst", [_value], [shape[0], shape[3], shape[1], shape[2]], Ints("perm", 0, 3, 1, 2));
        _channelsFirst = true;
    }

    private void ToKerasOrder(string layer)
    {
        if (!_channelsFirst) return;
        long[] shape = _graph.ShapeOf(_value);
        _value = _graph.Node("Transpose", $"{layer}/ToChannelsLast", [_value], [shape[0], shape[2], shape[3], shape[1]], Ints("perm", 0, 2, 3, 1));
        _channelsFirst = false;
    }
}
