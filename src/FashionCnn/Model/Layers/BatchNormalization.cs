using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>BatchNormalization(axis=-1, momentum, epsilon)</c> over the last axis. Inference: (x − moving_mean)
/// / sqrt(moving_variance + ε) × gamma + beta. Training normalises with the batch's mean and (biased) variance
/// and moves the statistics: moving = moving × momentum + batch × (1 − momentum).
/// </summary>
/// <param name="Axis">Keras' axis counted with the batch (3 for an image's channels, 1 for a vector's units), or −1.</param>
public sealed record BatchNormalization(string Name, double Epsilon = 0.001, double Momentum = 0.99, int Axis = -1) : Layer(Name)
{
    public override string KerasClass => "BatchNormalization";

    /// <summary>Its four vectors are no picture worth drawing; an image output still has feature maps.</summary>
    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input) =>
        Axis == -1 || Axis == input.Rank
            ? input
            : throw new FashionCnnException($"layer {Name} (BatchNormalization) normalises axis {Axis} of its {input} input; only the last axis is supported.");

    /// <summary>Keras' gamma, beta, moving_mean and moving_variance, one per channel (or unit); the moving statistics are not trained.</summary>
    public override IReadOnlyList<LayerVariable> Variables(TensorShape input)
    {
        long channels = input[input.Rank - 1];
        return
        [
            LayerVariable.Vector("gamma", "weight", channels, Initializer.Ones),
            LayerVariable.Vector("beta", "bias", channels, Initializer.Zeros),
            LayerVariable.Vector("moving_mean", "running_mean", channels, Initializer.Zeros, trainable: false),
            LayerVariable.Vector("moving_variance", "running_var", channels, Initializer.Ones, trainable: false),
        ];
    }

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() =>
        Config(("axis", -1), ("momentum", Momentum), ("epsilon", Epsilon), ("center", true), ("scale", true));

    internal static BatchNormalization FromKeras(KerasConfigValues c)
    {
        int[] axes = c.IsList("axis") ? c.Ints("axis")! : [(int)c.Number("axis", -1)];
        if (axes.Length != 1 || axes[0] is 0 or < -1)
            throw c.Error($"normalises axis ({string.Join(", ", axes)}); only the last axis is supported");
        if (!c.Bool("center", true) || !c.Bool("scale", true))
            throw c.Error("lacks beta or gamma (center/scale false), which this tool cannot run");
        double momentum = c.Number("momentum", 0.99), epsilon = c.Number("epsilon", 0.001);
        if (momentum is < 0 or > 1) throw c.Error($"has momentum {momentum}; it must be between 0 and 1");
        if (!(epsilon > 0)) throw c.Error($"has epsilon {epsilon}; it must be positive");
        return new BatchNormalization(c.Layer, epsilon, momentum, axes[0]);
    }

    /// <summary>Holds gamma, beta and the moving statistics under PyTorch's names; the arithmetic is Keras' (<see cref="Forward"/>).</summary>
    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input) => nn.BatchNorm1d(input[input.Rank - 1]);

    /// <summary>Keras' BatchNormalization over the last axis: batch statistics in training (moving the averages), the moving ones otherwise.</summary>
    public override Tensor Forward(LayerRun run, Tensor input)
    {
        var norm = run.ModuleAs<BatchNorm1d>();
        // Statistics in float32 whatever the policy, as Keras' mixed precision keeps them.
        var x = input.dtype == ScalarType.Float32 ? input : input.to_type(ScalarType.Float32);
        long axis = TensorLayout.ChannelAxis(x);
        // A batch of one value a channel (a last batch of one image before a vector's BatchNormalization) is not
        // normalised to 0 by libtorch's kernel as Keras normalises it; the arithmetic of Normalize is.
        var y = run.Training && axis == 1 && x.numel() > x.shape[1] ? FusedTraining(norm, x) : Normalize(norm, x, axis, run.Training);
        return y.to_type(input.dtype);
    }

    /// <summary>
    /// libtorch's own kernel normalises by the batch's mean and biased variance, as Keras does, in one fused forward and
    /// backward (bench --profile of 8-2-cnn-plus, its two BatchNormalization layers a step: 1.5 ms forward and 4.7 ms
    /// backward written out as in <see cref="Normalize"/>, 0.5 and 0.5 ms so). It moves the running variance by the
    /// unbiased batch variance (× n/(n − 1)); Keras moves it by the biased one, so the increment is scaled back by (n − 1)/n.
    /// </summary>
    private Tensor FusedTraining(BatchNorm1d norm, Tensor x)
    {
        long n = x.numel() / x.shape[1];
        // Copies, because autograd keeps the buffers it was given for backward.
        var movingMean = norm.running_mean!.clone();
        var movingVariance = norm.running_var!.clone();
        var normalised = nn.functional.batch_norm(x, movingMean, movingVariance, norm.weight, norm.bias, training: true,
            momentum: 1 - Momentum, eps: Epsilon);
        using (no_grad())
        {
            var kept = norm.running_var!.mul(Momentum);
            norm.running_mean!.copy_(movingMean);
            norm.running_var!.copy_(movingVariance.sub(kept).mul_((n - 1) / (double)n).add_(kept));
        }
        return normalised;
    }

    /// <summary>The arithmetic written out, along <paramref name="axis"/>: any batch, any rank.</summary>
    private Tensor Normalize(BatchNorm1d norm, Tensor x, long axis, bool training)
    {
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        shape[axis] = x.shape[axis];
        Tensor mean, variance;
        if (training)
        {
            long[] dims = Enumerable.Range(0, (int)x.dim()).Where(d => d != axis).Select(d => (long)d).ToArray();
            mean = x.mean(dims, keepdim: true);
            // Keras uses the biased variance (divided by N) both to normalise and to move the average.
            variance = x.sub(mean).square().mean(dims, keepdim: true);
            using (no_grad())
            {
                norm.running_mean!.mul_(Momentum).add_(mean.detach().reshape(-1), 1 - Momentum);
                norm.running_var!.mul_(Momentum).add_(variance.detach().reshape(-1), 1 - Momentum);
            }
        }
        else
        {
            mean = norm.running_mean!.view(shape);
            variance = norm.running_var!.view(shape);
        }
        return x.sub(mean).mul(variance.add(Epsilon).rsqrt()).mul(norm.weight.view(shape)).add(norm.bias!.view(shape));
    }

    /// <summary>
    /// Inference, over the last Keras axis. ONNX's BatchNormalization normalises axis 1, which is that axis for an image
    /// in (N, C, H, W) and for a vector; for a (N, H, W) input the same arithmetic is folded into one multiplication and
    /// one addition along the last axis.
    /// </summary>
    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        if (input.Rank == 3) graph.ToChannelsFirst(Name);
        long[] shape = graph.Shape;
        var variables = Variables(input);
        if (input.Rank != 2)
        {
            // gamma, beta, moving_mean, moving_variance: ONNX's scale, B, input_mean, input_var.
            graph.Apply(Name, "BatchNormalization", variables.Select(v => graph.Weight(this, v)).ToArray(), shape,
                GraphAttribute.Float("epsilon", (float)Epsilon));
            return;
        }
        var values = variables.Select(v => graph.WeightValues(this, v)).ToArray();
        float[] gamma = values[0], beta = values[1], mean = values[2], variance = values[3];
        double[] scale = gamma.Select((g, i) => g / Math.Sqrt((double)variance[i] + (float)Epsilon)).ToArray();
        float[] shift = beta.Select((b, i) => (float)(b - mean[i] * scale[i])).ToArray();
        long[] dims = [gamma.Length];
        graph.Apply(Name, "Mul", [graph.Constant($"{Name}.scale", dims, scale.Select(s => (float)s).ToArray())], shape);
        graph.Apply(Name, "Add", [graph.Constant($"{Name}.shift", dims, shift)], shape);
    }
}
