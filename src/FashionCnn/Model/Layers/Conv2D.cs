using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>Conv2D(filters, kernel_size, strides, padding, activation)</c> with square kernels and strides.
/// Padding "same" is TensorFlow's: output = ceil(input / stride), the odd pixel of padding at the bottom and right.
/// </summary>
public sealed record Conv2D(string Name, int Filters, int KernelSize, Activation Activation, bool SamePadding = true, int Strides = 1) : Layer(Name)
{
    // A sanity bound far above any model for 28×28 images; the model as a whole is bounded by ModelSpec.Checked.
    private const int MaxFilters = 1 << 20;

    public override string KerasClass => "Conv2D";

    public override WeightPicture WeightPicture => WeightPicture.Kernels;

    public override TensorShape OutputShape(TensorShape input) => SlideWindow(input, "kernel", KernelSize, Strides, SamePadding, Filters);

    /// <summary>TensorFlow's "same" padding along one axis of <paramref name="size"/> pixels: (before, after).</summary>
    public (int Before, int After) SamePaddingFor(int size) => TensorFlowPadding.Same(size, KernelSize, Strides);

    /// <summary>Keras' kernel (kh, kw, in, out), PyTorch's (out, in, kh, kw); the fans count a k×k window of channels.</summary>
    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) =>
        KernelAndBias([KernelSize, KernelSize, input[2], Filters], [3, 2, 0, 1],
            (long)KernelSize * KernelSize * input[2], (long)KernelSize * KernelSize * Filters, Filters);

    public override long Flops(TensorShape input, TensorShape output) => 2L * KernelSize * KernelSize * input[2] * output.ElementCount;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => (long)KernelSize * KernelSize * input[2] * output[0] * output[1];

    public override JsonObject KerasConfig() => Config(
        ("filters", Filters), ("kernel_size", Pair(KernelSize)), ("strides", Pair(Strides)),
        ("padding", SamePadding ? "same" : "valid"), ("activation", Activations.KerasName(Activation)));

    internal static Conv2D FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        if (!c.Bool("use_bias", true)) throw c.Error("has no bias, which this tool cannot run");
        if (c.Ints("dilation_rate") is { } dilation && dilation.Any(d => d != 1)) throw c.Error("is dilated, which this tool cannot run");
        if (c.Has("groups") && c.PositiveInt("groups", int.MaxValue) != 1) throw c.Error("is grouped, which this tool cannot run");
        return new Conv2D(c.Layer, c.PositiveInt("filters", MaxFilters), c.Square("kernel_size", LayerKinds.MaxWindow), c.Activation(),
            c.SamePadding(), c.Square("strides", LayerKinds.MaxWindow, fallback: 1));
    }

    /// <summary>Symmetric "same" padding is the convolution's own; TensorFlow's asymmetric case is padded before it (<see cref="PadLikeTensorFlow"/>).</summary>
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input) =>
        nn.Conv2d(input[2], Filters, KernelSize, stride: Strides, padding: OwnPadding(input));

    public override Tensor Forward(LayerRun run, Tensor x) => Activations.Apply(Convolve(run, x), Activation, run.IsOutput);

    /// <summary>
    /// The convolution without its activation, in the policy's compute dtype: float32, or bfloat16 on bfloat16 copies of the weights.
    /// Inputs are channels-last (<see cref="TensorLayout.ChannelsLast"/>), oneDNN's fast path, and its output and every layer after
    /// it stay so. A one-channel image (the first layer of every image model here) is both layouts at once, and oneDNN returns
    /// its output channels-first unless the input carries channels-last strides, after which the pooling and the backward pass
    /// ran on the slow layout (channels-first, the pooling after the first convolution alone took 0.9 s of the 12,000 validation
    /// images). Given those strides, in training as in inference: mixed_bfloat16 trained 4,949, 4,816 and 4,529 samples/s
    /// against 4,020, 4,203 and 4,477 with the patches of <see cref="UnfoldedConvolution"/>, float32 4,544, 4,527 and 4,689
    /// against 4,338, 4,200 and 4,667 (bench, alternating processes, 2026-12-04).
    /// A one-channel input whose gradient is asked for (saliency) goes the unfolded way: libtorch 2.10's oneDNN
    /// computes the input gradient of a channels-first convolution wrongly when its filters are not a multiple of 16
    /// and the batch holds more than one image, reading memory it never wrote (on an AMD EPYC with avx512_bf16, 3 images
    /// through 2 to 15 filters: errors of 0.4 and at times NaN, different from one call to the next). Inputs of more
    /// channels are channels-last, where oneDNN's input gradient was right in every case tried.
    /// </summary>
    public Tensor Convolve(LayerRun run, Tensor x)
    {
        var module = run.ModuleAs<Conv2d>();
        var input = PadLikeTensorFlow(run.Input, x.to_type(run.ComputeType));
        var weight = run.Compute(module.weight!);
        var bias = run.Compute(module.bias!);
        long padding = OwnPadding(run.Input);
        if (input.shape[1] == 1 && input.requires_grad) return UnfoldedConvolution(input, weight, bias, padding);
        return nn.functional.conv2d(TensorLayout.ChannelsLast(input), weight, bias, strides: [Strides, Strides], padding: [padding, padding]);
    }

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        graph.ToChannelsFirst(Name);
        var (top, bottom) = SamePadding ? SamePaddingFor(input[0]) : (0, 0);
        var (left, right) = SamePadding ? SamePaddingFor(input[1]) : (0, 0);
        graph.Apply(Name, "Conv", Variables(input).Select(v => graph.Weight(this, v)).ToArray(),
            [LayerGraph.Batch, output[2], output[0], output[1]],
            GraphAttribute.Ints("kernel_shape", KernelSize, KernelSize), GraphAttribute.Ints("strides", Strides, Strides),
            GraphAttribute.Ints("pads", top, left, bottom, right), GraphAttribute.Ints("dilations", 1, 1), GraphAttribute.Int("group", 1));
        graph.Activate(Name, Activation, isOutput);
    }

    /// <summary>The padding the convolution does itself: "same" padding when it is the same on all four sides, else none.</summary>
    private long OwnPadding(TensorShape input) => SamePadding && IsSymmetric(input) ? SamePaddingFor(input[0]).Before : 0;

    private bool IsSymmetric(TensorShape input)
    {
        var (rowsBefore, rowsAfter) = SamePaddingFor(input[0]);
        var (colsBefore, colsAfter) = SamePaddingFor(input[1]);
        return rowsBefore == rowsAfter && colsBefore == colsAfter && rowsBefore == colsBefore;
    }

    /// <summary>TensorFlow's "same" padding when it is uneven (the extra pixel at the bottom and right).</summary>
    private Tensor PadLikeTensorFlow(TensorShape input, Tensor x)
    {
        if (!SamePadding || IsSymmetric(input)) return x;
        var (top, bottom) = SamePaddingFor(input[0]);
        var (left, right) = SamePaddingFor(input[1]);
        return nn.functional.pad(x, [left, right, top, bottom]);
    }

    /// <summary>
    /// The same convolution as one product of the image's k×k patches and a column of ones (N·rows·columns, k·k + 1)
    /// with the kernel and the bias stacked below it (k·k + 1, filters); the patches are gathered as k·k strided views
    /// of the padded image, and the product's output is channels-last as it stands. Backward computes the kernel's and
    /// the bias' gradient as one product patchesᵀ·grad (nn.functional.linear's backward computes gradᵀ·patches, which
    /// libtorch ran about four times slower for this shape, and sums the bias' gradient apart), and the input's gradient
    /// through the views, without oneDNN.
    /// </summary>
    private Tensor UnfoldedConvolution(Tensor input, Tensor weight, Tensor bias, long padding)
    {
        long n = input.shape[0], k = KernelSize, s = Strides, filters = weight.shape[0];
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
}
