using TorchSharp;
using FashionCnn.Model.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model;

/// <summary>
/// The TorchSharp network a <see cref="ModelSpec"/> describes: each layer creates its own module and computes its own
/// forward (<see cref="Layer.CreateModule"/>, <see cref="Layer.Forward"/>); the network holds the modules, the layout
/// and the one optimisation that spans two layers (a ReLU moved after the max pooling that follows its convolution). Tensors keep Keras' shapes with the batch first,
/// except that an image (H, W, C) is held as PyTorch's (N, C, H, W): a model with input (28, 28, 1) takes
/// (N, 1, 28, 28), one with input (28, 28) takes (N, 28, 28), one with input (784,) takes (N, 784).
/// <see cref="InputFromPixels"/> makes that input from the data set's bytes.
/// Output: the last layer's output without its softmax (logits); the softmax is left to the loss
/// (cross-entropy on logits) and to <see cref="Probabilities"/>, the numerically stable form of Keras'
/// softmax-then-crossentropy. A softmax anywhere else is computed where it stands. Parameters are named after
/// the Keras layers: <c>conv2d.weight</c>, <c>dense_1.bias</c>, … in PyTorch's layouts (Conv2d (out, in, kh, kw),
/// Linear (out, in)); BatchNormalization's gamma, beta and moving statistics are <c>.weight</c>, <c>.bias</c>,
/// <c>.running_mean</c>, <c>.running_var</c>.
/// </summary>
public sealed class SequentialNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>?[] _modules;
    private readonly IReadOnlyList<(Layer Layer, TensorShape Input, TensorShape Output)> _shapes;

    public ModelSpec Spec { get; }

    /// <summary>
    /// Where dropout draws its masks and the augmentation layers their changes in training mode. A generator owned by the training run makes a run
    /// reproducible whatever else in the process uses libtorch's global generator; null uses the global one.
    /// </summary>
    public Generator? TrainingGenerator { get; set; }

    /// <summary>The dtype policy the layers compute with; the weights stay float32 either way.</summary>
    public Precision Precision { get; set; } = Precision.Float32;

    private bool Mixed => Precision == Precision.MixedBFloat16;

    /// <summary>Every network the tool runs is built here, so libtorch's log level is set before its first convolution.</summary>
    static SequentialNet() => LibTorchLog.Apply();

    public SequentialNet(ModelSpec spec) : base("sequential")
    {
        Spec = spec;
        _shapes = spec.Shapes();
        _modules = new nn.Module<Tensor, Tensor>?[_shapes.Count];
        for (int i = 0; i < _shapes.Count; i++)
        {
            var (layer, input, _) = _shapes[i];
            _modules[i] = layer.CreateModule(input);
            if (_modules[i] is null == layer.HasWeights(input))
                throw new InvalidOperationException($"layer {layer.Name} ({layer.KerasClass}): a module exactly when the layer has variables");
            if (_modules[i] is { } module) register_module(layer.ModuleName, module);
        }
    }

    /// <summary>Keras' initialisation, seeded: glorot-uniform kernels, zero biases, BatchNormalization gamma 1, beta 0, mean 0, variance 1.</summary>
    public void InitializeLikeKeras(long seed)
    {
        var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        var weights = NamedWeights().ToDictionary(w => w.Name, w => w.Tensor);
        foreach (var (layer, input, _) in _shapes)
            foreach (var variable in layer.Variables(input))
            {
                var weight = weights[$"{layer.ModuleName}.{variable.TorchName}"];
                switch (variable.Initializer)
                {
                    case Initializer.GlorotUniform:
                        double limit = GlorotUniform.Limit(variable.FanIn, variable.FanOut);
                        weight.uniform_(-limit, limit, generator);
                        break;
                    case Initializer.Zeros: weight.zero_(); break;
                    case Initializer.Ones: weight.fill_(1); break;
                    default: throw new InvalidOperationException($"no initialiser {variable.Initializer}");
                }
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

    public override Tensor forward(Tensor input) => Forward(input, 0, Spec.Layers.Count - 1);

    /// <summary>The output of layer <paramref name="lastLayer"/> (after its activation): a feature map for a convolution.</summary>
    public Tensor ForwardThrough(Tensor input, int lastLayer) => Forward(input, 0, lastLayer);

    /// <summary>
    /// Layers <paramref name="first"/> to <paramref name="last"/> applied to <paramref name="x"/>, which must be what
    /// layer <paramref name="first"/> takes. The model's last layer leaves out its softmax (logits).
    /// </summary>
    public Tensor Forward(Tensor x, int first, int last)
    {
        for (int i = first; i <= last; i++)
        {
            if (i < last && ReluBeforeMaxPooling(i))
            {
                // relu(max(x)) = max(relu(x)), gradients included, and the ReLU then runs on a quarter of the values:
                // timed alone at the book's CNN's shapes, forward and backward, 0.2–0.3 ms less per such pair.
                var convolved = ((Conv2D)Spec.Layers[i]).Convolve(Run(i), x);
                x = Activations.Apply(Spec.Layers[i + 1].Forward(Run(i + 1), convolved), Activation.Relu, isOutput: false);
                i++;
                continue;
            }
            x = Apply(i, x);
        }
        // Under mixed_bfloat16 the logits go to the loss and the softmax in float32.
        return Mixed && x.dtype != ScalarType.Float32 ? x.to_type(ScalarType.Float32) : x;
    }

    /// <summary>
    /// What the network takes from grey pixels (bytes, 0–255, shape (N, 1, H, W)): float32 pixel / 255, as the
    /// book scales them, or the raw values for a model that rescales its input itself (<see cref="ModelSpec.TakesRawPixels"/>),
    /// in the model's input shape (the pixels' row-major order, as numpy's reshape gives it).
    /// </summary>
    public Tensor InputFromPixels(Tensor pixels)
    {
        var input = pixels.to_type(ScalarType.Float32);
        if (!Spec.TakesRawPixels) input = input.div_(255f);
        var shape = Spec.InputShape;
        if (shape.Rank == 3 && shape[2] == 1 && input.dim() == 4 && input.shape[2] == shape[0] && input.shape[3] == shape[1])
            return input;
        return TensorLayout.FromKerasOrder(input.reshape([input.shape[0], .. shape.Dimensions.Select(d => (long)d)]));
    }

    /// <summary>
    /// The shape to give <paramref name="count"/> images' bytes (in Keras' (H, W, C) order) before <see cref="InputFromPixels"/>:
    /// (N, 1, H, W) for a grey image input, which needs no permute, else the model's input shape.
    /// </summary>
    public long[] PixelShape(int count)
    {
        var shape = Spec.InputShape;
        return shape.Rank == 3 && shape[2] == 1 ? [count, 1, shape[0], shape[1]] : [count, .. shape.Dimensions.Select(d => (long)d)];
    }

    /// <summary>Class probabilities by the tool's one rule (<see cref="Inference.IClassifier"/>): exp of the log-softmax of the float32 logits.</summary>
    public Tensor Probabilities(Tensor input) => nn.functional.log_softmax(forward(input), 1).exp();

    private bool ReluBeforeMaxPooling(int index) =>
        Spec.Layers[index] is Conv2D { Activation: Activation.Relu } && Spec.Layers[index + 1] is MaxPooling2D;

    private Tensor Apply(int index, Tensor x) => Spec.Layers[index].Forward(Run(index), x);

    private LayerRun Run(int index) =>
        new(_modules[index], _shapes[index].Input, _shapes[index].Output, training, index == Spec.Layers.Count - 1, Precision, TrainingGenerator);
}
