using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model;

/// <summary>
/// The TorchSharp network a <see cref="ModelSpec"/> describes. Tensors keep Keras' shapes with the batch first,
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
    private readonly long[] _convPadding;
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
        _convPadding = new long[_shapes.Count];
        for (int i = 0; i < _shapes.Count; i++)
        {
            var (layer, input, _) = _shapes[i];
            // Symmetric "same" padding is the convolution's own; TensorFlow's asymmetric case is padded in Apply.
            if (layer is Conv2D same && same.SamePadding && IsSymmetric(same, input)) _convPadding[i] = same.SamePaddingFor(input[0]).Before;
            _modules[i] = layer switch
            {
                Conv2D conv => nn.Conv2d(input[2], conv.Filters, conv.KernelSize, stride: conv.Strides, padding: _convPadding[i]),
                Dense dense => nn.Linear(input[0], dense.Units),
                // Holds gamma, beta and the moving statistics under PyTorch's names; the arithmetic is Keras' (ApplyBatchNorm).
                BatchNormalization => nn.BatchNorm1d(input[input.Rank - 1]),
                _ => null,
            };
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

    private static bool IsSymmetric(Conv2D conv, TensorShape input)
    {
        var (rowsBefore, rowsAfter) = conv.SamePaddingFor(input[0]);
        var (colsBefore, colsAfter) = conv.SamePaddingFor(input[1]);
        return rowsBefore == rowsAfter && colsBefore == colsAfter && rowsBefore == colsBefore;
    }

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
                x = Activate(Pool((Pooling2D)Spec.Layers[i + 1], Convolve(i, (Conv2D)Spec.Layers[i], x)), Activation.Relu, isOutput: false);
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
        return FromKerasOrder(input.reshape([input.shape[0], .. shape.Dimensions.Select(d => (long)d)]));
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

    /// <summary>A tensor in Keras' channels-last order (N, H, W, C) as this network holds it (N, C, H, W); other ranks unchanged.</summary>
    private static Tensor FromKerasOrder(Tensor x) => x.dim() == 4 ? x.permute(0, 3, 1, 2) : x;

    private static Tensor ToKerasOrder(Tensor x) => x.dim() == 4 ? x.permute(0, 2, 3, 1) : x;

    /// <summary>The dimension of Keras' last axis (channels or units) in this network's layout.</summary>
    private static long ChannelAxis(Tensor x) => x.dim() == 4 ? 1 : x.dim() - 1;

    // Not relu_: measured with bench, TorchSharp's in-place ReLU in training made resident memory grow by about 1 MB a step.
    private static Tensor Activate(Tensor x, Activation activation, bool isOutput) => activation switch
    {
        Activation.Relu => nn.functional.relu(x),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Tanh => x.tanh(),
        // The model's final softmax is left to the loss and to Probabilities; any other is computed in float32.
        Activation.Softmax when !isOutput => nn.functional.softmax(x.to_type(ScalarType.Float32), ChannelAxis(x)).to_type(x.dtype),
        _ => x,
    };

    /// <summary>
    /// The same (N, C, H, W) tensor with its values stored channels-last (NHWC). libtorch's oneDNN convolutions
    /// run their fast path on that layout, every later layer keeps it, and Keras' (H, W, C) Flatten then needs
    /// no copy. TorchSharp has no memory_format argument, so the strides are made by permuting.
    /// </summary>
    private static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || IsChannelsLast(x)) return x;
        // One channel: the same values, given channels-last strides, so that oneDNN returns its output channels-last.
        if (x.shape[1] == 1 && x.is_contiguous()) return x.as_strided(x.shape, [x.shape[2] * x.shape[3], 1, x.shape[3], 1]);
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

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

    /// <summary>
    /// Keras' pooling. "same" pads as TensorFlow does (extra at the bottom and right); padded cells never win a
    /// maximum and never count in an average (TensorFlow divides by the number of cells inside the image).
    /// </summary>
    private static Tensor Pool(Pooling2D pool, Tensor x)
    {
        long[] window = [pool.PoolSize, pool.PoolSize], stride = [pool.Stride, pool.Stride];
        if (!pool.SamePadding)
            return pool is MaxPooling2D
                ? nn.functional.max_pool2d(x, window, stride)
                : nn.functional.avg_pool2d(x, window, stride);
        var (top, bottom) = pool.SamePaddingFor((int)x.shape[2]);
        var (left, right) = pool.SamePaddingFor((int)x.shape[3]);
        long[] padding = [left, right, top, bottom];
        if (pool is MaxPooling2D)
            return nn.functional.max_pool2d(nn.functional.pad(x, padding, value: double.NegativeInfinity), window, stride);
        using var image = ones(1, 1, x.shape[2], x.shape[3], x.dtype, x.device);
        var sums = nn.functional.avg_pool2d(nn.functional.pad(x, padding), window, stride);
        var inside = nn.functional.avg_pool2d(nn.functional.pad(image, padding), window, stride);
        return sums.div(inside);
    }

    /// <summary>Keras' BatchNormalization over the last axis: batch statistics in training (moving the averages), the moving ones otherwise.</summary>
    private Tensor ApplyBatchNorm(BatchNormalization spec, BatchNorm1d norm, Tensor input)
    {
        // Statistics in float32 whatever the policy, as Keras' mixed precision keeps them.
        var x = input.dtype == ScalarType.Float32 ? input : input.to_type(ScalarType.Float32);
        long axis = ChannelAxis(x);
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        shape[axis] = x.shape[axis];
        Tensor mean, variance;
        // A batch of one value a channel (a last batch of one image before a vector's BatchNormalization) is not
        // normalised to 0 by libtorch's kernel as Keras normalises it; the arithmetic below does.
        if (training && axis == 1 && x.numel() > x.shape[1])
        {
            // libtorch's own kernel normalises by the batch's mean and biased variance, as Keras does, in one fused
            // forward and backward (bench --profile of 8-2-cnn-plus, its two BatchNormalization layers a step: 1.5 ms forward
            // and 4.7 ms backward written out as below, 0.5 and 0.5 ms so). It moves the running variance by the unbiased
            // batch variance (× n/(n − 1)); Keras moves it by the biased one, so the increment is scaled back by (n − 1)/n.
            long n = x.numel() / x.shape[1];
            double keep = spec.Momentum;
            // Copies, because autograd keeps the buffers it was given for backward.
            var movingMean = norm.running_mean!.clone();
            var movingVariance = norm.running_var!.clone();
            var normalised = nn.functional.batch_norm(x, movingMean, movingVariance, norm.weight, norm.bias, training: true,
                momentum: 1 - keep, eps: spec.Epsilon);
            using (no_grad())
            {
                var kept = norm.running_var!.mul(keep);
                norm.running_mean!.copy_(movingMean);
                norm.running_var!.copy_(movingVariance.sub(kept).mul_((n - 1) / (double)n).add_(kept));
            }
            return normalised.to_type(input.dtype);
        }
        if (training)
        {
            long[] dims = Enumerable.Range(0, (int)x.dim()).Where(d => d != axis).Select(d => (long)d).ToArray();
            mean = x.mean(dims, keepdim: true);
            // Keras uses the biased variance (divided by N) both to normalise and to move the average.
            variance = x.sub(mean).square().mean(dims, keepdim: true);
            using (no_grad())
            {
                norm.running_mean!.mul_(spec.Momentum).add_(mean.detach().reshape(-1), 1 - spec.Momentum);
                norm.running_var!.mul_(spec.Momentum).add_(variance.detach().reshape(-1), 1 - spec.Momentum);
            }
        }
        else
        {
            mean = norm.running_mean!.view(shape);
            variance = norm.running_var!.view(shape);
        }
        var y = x.sub(mean).mul(variance.add(spec.Epsilon).rsqrt()).mul(norm.weight.view(shape)).add(norm.bias!.view(shape));
        return y.to_type(input.dtype);
    }

    /// <summary>
    /// A convolution in the policy's compute dtype: float32, or bfloat16 on bfloat16 copies of the weights.
    /// In training, a convolution of a one-channel image (the first layer of every image model here) is computed as a
    /// product of the unfolded image with the kernel, which gives its output channels-last at once. oneDNN returns
    /// such a convolution's output channels-first (a one-channel input is both layouts at once), after which the
    /// pooling and the backward pass ran on the slow layout; measured with bench on the book's CNN, alternating five
    /// times: 2,550 samples/s unfolded against 2,070 with oneDNN and 2,250 with oneDNN plus a copy to channels-last,
    /// whose extra 3 MB per step also drove glibc's heap from 380 MB to over 800 MB. Inference keeps oneDNN, given the
    /// one-channel input with channels-last strides (<see cref="ChannelsLast"/>) so that its output and the pooling after
    /// it are channels-last too: bench's evaluation of the 12,000 validation images, 18,200–18,700 images/s against
    /// 7,000 with the channels-first output (whose max pooling alone took 0.9 s) and 15,300–16,700 unfolded.
    /// A one-channel input whose gradient is asked for (saliency) goes the unfolded way too: libtorch 2.10's oneDNN
    /// computes the input gradient of a channels-first convolution wrongly when its filters are not a multiple of 16
    /// and the batch holds more than one image, reading memory it never wrote (on an AMD EPYC with avx512_bf16, 3 images
    /// through 2 to 15 filters: errors of 0.4 and at times NaN, different from one call to the next). Inputs of more
    /// channels are channels-last (<see cref="ChannelsLast"/>), where oneDNN's input gradient was right in every case tried.
    /// </summary>
    private Tensor Convolve(int index, Conv2D conv, Tensor x)
    {
        var module = (Conv2d)_modules[index]!;
        var dtype = Mixed ? ScalarType.BFloat16 : ScalarType.Float32;
        var input = PadLikeTensorFlow(conv, x.to_type(dtype));
        var weight = Mixed ? module.weight!.to_type(dtype) : module.weight!;
        var bias = Mixed ? module.bias!.to_type(dtype) : module.bias!;
        long padding = _convPadding[index];
        if (input.shape[1] == 1 && (training || input.requires_grad)) return UnfoldedConvolution(conv, input, weight, bias, padding);
        return nn.functional.conv2d(ChannelsLast(input), weight, bias, strides: [conv.Strides, conv.Strides], padding: [padding, padding]);
    }

    /// <summary>
    /// The same convolution as one product of the image's k×k patches and a column of ones (N·rows·columns, k·k + 1)
    /// with the kernel and the bias stacked below it (k·k + 1, filters); the patches are gathered as k·k strided views
    /// of the padded image. Written this way, backward computes the kernel's and the bias' gradient as one product
    /// patchesᵀ·grad; nn.functional.linear's backward computes gradᵀ·patches, which libtorch runs about four times
    /// slower for this shape, and sums the bias' gradient over the long axis apart. Timed alone at the book's CNN's
    /// shapes, this layer's forward and backward with its pooling: 2.3 ms against 3.4 ms; with the ReLU moved after
    /// the pooling (<see cref="Forward"/>), bench alternating four times: 3,636 against 3,272 samples/s (medians).
    /// </summary>
    private static Tensor UnfoldedConvolution(Conv2D conv, Tensor input, Tensor weight, Tensor bias, long padding)
    {
        long n = input.shape[0], k = conv.KernelSize, s = conv.Strides, filters = weight.shape[0];
        var padded = padding > 0 ? nn.functional.pad(input, [padding, padding, padding, padding]) : input;
        long rows = (padded.shape[2] - k) / s + 1, columns = (padded.shape[3] - k) / s + 1;
        var taps = new Tensor[k * k + 1];
        for (long dy = 0; dy < k; dy++)
            for (long dx = 0; dx < k; dx++)
                taps[dy * k + dx] = padded.slice(2, dy, dy + (rows - 1) * s + 1, s).slice(3, dx, dx + (columns - 1) * s + 1, s);
        taps[k * k] = ones(1, 1, 1, 1, input.dtype, input.device).expand(n, 1, rows, columns);
        var patches = stack(taps, 4).reshape(n * rows * columns, k * k + 1);
        var kernelAndBias = cat([weight.view(filters, k * k).t(), bias.view(1, filters)], 0);
        return patches.mm(kernelAndBias).view(n, rows, columns, filters).permute(0, 3, 1, 2);
    }

    private Tensor Project(int index, Tensor x)
    {
        var module = (Linear)_modules[index]!;
        if (!Mixed) return module.call(x);
        return nn.functional.linear(x.to_type(ScalarType.BFloat16), module.weight!.to_type(ScalarType.BFloat16), module.bias!.to_type(ScalarType.BFloat16));
    }

    /// <summary>Keras' Reshape: the values in channels-last row-major order, in the target shape.</summary>
    private Tensor ApplyReshape(int index, Tensor x)
    {
        var target = _shapes[index].Output.Dimensions.Select(d => (long)d);
        return FromKerasOrder(ToKerasOrder(x).reshape([x.shape[0], .. target]));
    }

    /// <summary>Inverted dropout, as Keras and PyTorch do it: zero each unit with probability rate, scale the rest by 1/(1 − rate).</summary>
    private Tensor ApplyDropout(Tensor x, double rate)
    {
        if (TrainingGenerator is null) return nn.functional.dropout(x, rate, training: true);
        using var keep = empty_like(x).bernoulli_(1 - rate, TrainingGenerator);
        return x.mul(keep).div_(1 - rate);
    }

    private bool ReluBeforeMaxPooling(int index) =>
        Spec.Layers[index] is Conv2D { Activation: Activation.Relu } && Spec.Layers[index + 1] is MaxPooling2D;

    private Tensor Apply(int index, Tensor x)
    {
        bool isOutput = index == Spec.Layers.Count - 1;
        return Spec.Layers[index] switch
        {
            Conv2D conv => Activate(Convolve(index, conv, x), conv.Activation, isOutput),
            Pooling2D pool => Pool(pool, x),
            Rescaling rescale => rescale.Offset == 0 ? x.mul(rescale.Scale) : x.mul(rescale.Scale).add(rescale.Offset),
            // Keras flattens (H, W, C); PyTorch tensors are (C, H, W), so move channels last first.
            Flatten => ToKerasOrder(x).flatten(1),
            Reshape => ApplyReshape(index, x),
            Dense dense => Activate(Project(index, x), dense.Activation, isOutput),
            BatchNormalization norm => ApplyBatchNorm(norm, (BatchNorm1d)_modules[index]!, x),
            Dropout dropout => training ? ApplyDropout(x, dropout.Rate) : x,
            RandomAugmentation augmentation => training ? augmentation.Augment(x, TrainingGenerator) : x,
            var unknown => throw new NotSupportedException($"the network cannot run layer {unknown.Name} ({unknown.KerasClass})."),
        };
    }
}
