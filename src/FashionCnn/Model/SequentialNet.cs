using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model;

/// <summary>
/// The TorchSharp network a <see cref="ModelSpec"/> describes. Input: a batch of grey images (N, 1, 28, 28),
/// pixels in 0–1. Output: logits (N, classes); the final Dense's softmax is left to the loss
/// (cross-entropy on logits) and to <see cref="Probabilities"/>, which is the numerically stable form of
/// Keras' softmax-then-crossentropy. Parameters are named after the Keras layers: <c>conv2d.weight</c>,
/// <c>dense_1.bias</c>, … in PyTorch's layouts (Conv2d (out, in, kh, kw), Linear (out, in)).
/// </summary>
public sealed class SequentialNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>?[] _modules;

    public ModelSpec Spec { get; }

    /// <summary>
    /// Where dropout draws its masks in training mode. A generator owned by the training run makes a run
    /// reproducible whatever else in the process uses libtorch's global generator; null uses the global one.
    /// </summary>
    public Generator? DropoutGenerator { get; set; }

    public SequentialNet(ModelSpec spec) : base("sequential")
    {
        Spec = spec;
        var shapes = spec.Shapes();
        _modules = new nn.Module<Tensor, Tensor>?[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            var (layer, input, _) = shapes[i];
            _modules[i] = layer switch
            {
                // Symmetric "same" padding is the convolution's own; TensorFlow's asymmetric case is padded in Apply.
                Conv2D conv => nn.Conv2d(input[2], conv.Filters, conv.KernelSize, stride: conv.Strides,
                    padding: conv.SamePadding && IsSymmetric(conv, input) ? conv.SamePaddingFor(input[0]).Before : 0),
                MaxPooling2D pool => nn.MaxPool2d(pool.PoolSize, pool.Stride),
                Dense dense => nn.Linear(input[0], dense.Units),
                BatchNormalization norm when input.Rank == 3 => nn.BatchNorm2d(input[2], norm.Epsilon),
                BatchNormalization norm => nn.BatchNorm1d(input[input.Rank - 1], norm.Epsilon),
                _ => null,
            };
            if (_modules[i] is { } module) register_module(layer.Name, module);
        }
    }

    /// <summary>Keras' initialisation, seeded: glorot-uniform kernels, zero biases.</summary>
    public void InitializeLikeKeras(long seed)
    {
        var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        var shapes = Spec.Shapes();
        for (int i = 0; i < shapes.Count; i++)
        {
            if (GlorotUniform.Limit(shapes[i].Layer, shapes[i].Input) is not double limit) continue;
            var (weight, bias) = WeightAndBias(i);
            weight.uniform_(-limit, limit, generator);
            nn.init.zeros_(bias);
        }
    }

    /// <summary>The kernel and bias of layer <paramref name="index"/> (a Conv2D or Dense), in PyTorch's layout.</summary>
    public (Parameter Weight, Parameter Bias) WeightAndBias(int index) => _modules[index] switch
    {
        Conv2d conv => (conv.weight!, conv.bias!),
        Linear linear => (linear.weight!, linear.bias!),
        _ => throw new FashionCnnException(
            $"layer {Spec.Layers[index].Name} ({Spec.Layers[index].KerasClass}) has no kernel."),
    };

    /// <summary>
    /// Every floating-point tensor of the model by name: parameters and BatchNormalization's running
    /// statistics (PyTorch's state_dict without the integer batch counter).
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedWeights() =>
        state_dict().Where(entry => entry.Value.is_floating_point()).Select(entry => (entry.Key, entry.Value));

    private static bool IsSymmetric(Conv2D conv, TensorShape input)
    {
        var (rowsBefore, rowsAfter) = conv.SamePaddingFor(input[0]);
        var (colsBefore, colsAfter) = conv.SamePaddingFor(input[1]);
        return rowsBefore == rowsAfter && colsBefore == colsAfter && rowsBefore == colsBefore;
    }

    public override Tensor forward(Tensor input) => ForwardThrough(input, Spec.Layers.Count - 1);

    /// <summary>The output of layer <paramref name="lastLayer"/> (after its activation): a feature map for a convolution.</summary>
    public Tensor ForwardThrough(Tensor input, int lastLayer)
    {
        Tensor x = input;
        for (int i = 0; i <= lastLayer; i++)
            x = Apply(i, x);
        return x;
    }

    /// <summary>
    /// What the network takes from grey pixels (bytes, 0–255, shape (N, 1, H, W)): float32 pixel / 255, as the
    /// book scales them, or the raw values for a model that rescales its input itself (<see cref="ModelSpec.TakesRawPixels"/>).
    /// </summary>
    public Tensor InputFromPixels(Tensor pixels)
    {
        var input = pixels.to_type(ScalarType.Float32);
        return Spec.TakesRawPixels ? input : input.div_(255f);
    }

    /// <summary>Class probabilities: softmax over the logits.</summary>
    public Tensor Probabilities(Tensor input) => nn.functional.softmax(forward(input), 1);

    // Softmax is left to the loss and to Probabilities: the network returns logits. Not relu_: measured with
    // bench, TorchSharp's in-place ReLU in training made resident memory grow by about 1 MB a step.
    private static Tensor Activate(Tensor x, Activation activation) => activation == Activation.Relu ? nn.functional.relu(x) : x;

    /// <summary>
    /// The same (N, C, H, W) tensor with its values stored channels-last (NHWC). libtorch's oneDNN convolutions
    /// run their fast path on that layout, every later layer keeps it, and Keras' (H, W, C) Flatten then needs
    /// no copy. TorchSharp has no memory_format argument, so the strides are made by permuting.
    /// </summary>
    private static Tensor ChannelsLast(Tensor x) =>
        x.dim() != 4 || x.shape[1] == 1 || IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static bool IsChannelsLast(Tensor x)
    {
        var strides = x.stride();
        return strides[1] == 1 && strides[3] == x.shape[1];
    }

    /// <summary>TensorFlow's "same" padding when it is uneven (the extra pixel at the bottom and right).</summary>
    private static Tensor PadLikeTensorFlow(Conv2D conv, Tensor x)
    {
        if (!conv.SamePadding) return x;
        var shape = new TensorShape((int)x.shape[2], (int)x.shape[3], (int)x.shape[1]);
        if (IsSymmetric(conv, shape)) return x;
        var (top, bottom) = conv.SamePaddingFor(shape[0]);
        var (left, right) = conv.SamePaddingFor(shape[1]);
        return nn.functional.pad(x, [left, right, top, bottom]);
    }

    /// <summary>Inverted dropout, as Keras and PyTorch do it: zero each unit with probability rate, scale the rest by 1/(1 − rate).</summary>
    private Tensor ApplyDropout(Tensor x, double rate)
    {
        if (DropoutGenerator is null) return nn.functional.dropout(x, rate, training: true);
        using var keep = empty_like(x).bernoulli_(1 - rate, DropoutGenerator);
        return x.mul(keep).div_(1 - rate);
    }

    private Tensor Apply(int index, Tensor x) => Spec.Layers[index] switch
    {
        Conv2D conv => Activate(_modules[index]!.call(ChannelsLast(PadLikeTensorFlow(conv, x))), conv.Activation),
        Rescaling rescale => rescale.Offset == 0 ? x.mul(rescale.Scale) : x.mul(rescale.Scale).add(rescale.Offset),
        // Keras flattens (H, W, C); PyTorch tensors are (C, H, W), so move channels last first.
        Flatten => x.dim() == 4 ? x.permute(0, 2, 3, 1).flatten(1) : x.flatten(1),
        Dense dense => Activate(_modules[index]!.call(x), dense.Activation),
        Dropout dropout when training => ApplyDropout(x, dropout.Rate),
        Dropout => x,
        _ when _modules[index] is { } module => module.call(x),
        _ => x,
    };
}
