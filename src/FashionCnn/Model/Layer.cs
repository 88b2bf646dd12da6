namespace FashionCnn.Model;

/// <summary>
/// The activation a layer applies to its output. Softmax normalises over the last Keras axis (the
/// channels of an image, the units of a vector), wherever it stands.
/// </summary>
public enum Activation { Linear, Relu, Sigmoid, Tanh, Softmax }

/// <summary>
/// One layer of a Keras-like Sequential model, described rather than built: its Keras name and class,
/// and the output shape and parameter count it has for a given input. The same description builds the
/// TorchSharp network (<see cref="SequentialNet"/>), prints the summary, writes the Keras config, maps
/// imported weights and exports ONNX.
/// </summary>
public abstract record Layer(string Name)
{
    /// <summary>The Keras class name, as <c>model.summary()</c> prints it.</summary>
    public abstract string KerasClass { get; }

    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>
    /// The variables Keras keeps for this layer on <paramref name="input"/>, in the order Keras creates (and files
    /// number) them; none for a layer without weights. Everything about weights derives from this: the parameter
    /// counts, Keras' initialisation, the import from Keras files and the names in checkpoints and exports.
    /// </summary>
    public abstract IReadOnlyList<LayerVariable> Variables(TensorShape input);

    /// <summary>
    /// Operations of one image's forward pass (a multiply and an add are two), counted for the products of
    /// convolutions and Dense layers, which are what a step's arithmetic is; 0 for the layers that only move,
    /// compare or scale values.
    /// </summary>
    public abstract long Flops(TensorShape input, TensorShape output);

    public long ParameterCount(TensorShape input) => Variables(input).Sum(v => v.Count);

    /// <summary>The part of <see cref="ParameterCount"/> that training does not update (BatchNormalization's moving statistics).</summary>
    public long NonTrainableParameterCount(TensorShape input) => Variables(input).Where(v => !v.Trainable).Sum(v => v.Count);

    /// <summary>
    /// The name its variables are stored under (<c>conv2d.weight</c>) and its TorchSharp module is registered by. Keras
    /// allows any name (<c>conv2d.v2</c>), but a '.' separates a module from its variable in a state_dict, so it becomes
    /// '_' here; the Keras name stays the one shown to the user.
    /// </summary>
    public string ModuleName => Name.Replace('.', '_');

    /// <summary>Whether the layer has variables of its own on <paramref name="input"/> (what Keras' <c>load_weights</c> counts when it matches by order).</summary>
    public bool HasWeights(TensorShape input) => Variables(input).Count > 0;

    /// <summary>The kernel (Keras' glorot_uniform from its fans) and the zero bias of a Conv2D or Dense layer.</summary>
    private protected static IReadOnlyList<LayerVariable> KernelAndBias(long[] kernelShape, int[] torchAxes, long fanIn, long fanOut, long units) =>
    [
        new LayerVariable("kernel", "weight", kernelShape, torchAxes, Initializer.GlorotUniform, fanIn, fanOut),
        LayerVariable.Vector("bias", "bias", units, Initializer.Zeros),
    ];

    private protected void RequireImage(TensorShape input)
    {
        if (input.Rank != 3)
            throw new FashionCnnException($"layer {Name} ({KerasClass}) needs an image input (height, width, channels), got {input}.");
    }

    /// <summary>
    /// The output shape of a square <paramref name="window"/> slid over an image input by TensorFlow's padding rules,
    /// with <paramref name="channels"/> channels, or the input's when null.
    /// </summary>
    private protected TensorShape SlideWindow(TensorShape input, string window, int size, int stride, bool same, int? channels)
    {
        RequireImage(input);
        int rows = TensorFlowPadding.OutputSize(input[0], size, stride, same);
        int cols = TensorFlowPadding.OutputSize(input[1], size, stride, same);
        if (rows < 1 || cols < 1)
            throw new FashionCnnException($"layer {Name} ({KerasClass}): a {size}×{size} {window} does not fit its {input} input.");
        return new TensorShape(rows, cols, channels ?? input[2]);
    }
}

/// <summary>TensorFlow's padding rules, shared by convolutions and pooling.</summary>
public static class TensorFlowPadding
{
    /// <summary>Output length along one axis: "same" is ceil(size / stride), "valid" floor((size − window) / stride) + 1.</summary>
    public static int OutputSize(int size, int window, int stride, bool same) =>
        same ? (size + stride - 1) / stride : size < window ? 0 : (size - window) / stride + 1;

    /// <summary>"same" padding along one axis of <paramref name="size"/> pixels, (before, after): the odd pixel goes after (bottom, right).</summary>
    public static (int Before, int After) Same(int size, int window, int stride)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - size, 0);
        return (total / 2, total - total / 2);
    }
}

/// <summary>
/// Keras <c>Conv2D(filters, kernel_size, strides, padding, activation)</c> with square kernels and strides.
/// Padding "same" is TensorFlow's: output = ceil(input / stride), the odd pixel of padding at the bottom and right.
/// </summary>
public sealed record Conv2D(string Name, int Filters, int KernelSize, Activation Activation, bool SamePadding = true, int Strides = 1) : Layer(Name)
{
    public override string KerasClass => "Conv2D";

    public override TensorShape OutputShape(TensorShape input) => SlideWindow(input, "kernel", KernelSize, Strides, SamePadding, Filters);

    /// <summary>TensorFlow's "same" padding along one axis of <paramref name="size"/> pixels: (before, after).</summary>
    public (int Before, int After) SamePaddingFor(int size) => TensorFlowPadding.Same(size, KernelSize, Strides);

    /// <summary>Keras' kernel (kh, kw, in, out), PyTorch's (out, in, kh, kw); the fans count a k×k window of channels.</summary>
    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) =>
        KernelAndBias([KernelSize, KernelSize, input[2], Filters], [3, 2, 0, 1],
            (long)KernelSize * KernelSize * input[2], (long)KernelSize * KernelSize * Filters, Filters);

    public override long Flops(TensorShape input, TensorShape output) => 2L * KernelSize * KernelSize * input[2] * output.ElementCount;
}

/// <summary>
/// Keras' 2-D pooling: a square window, strides defaulting to the window, TensorFlow's "valid" or "same"
/// padding. <see cref="MaxPooling2D"/> takes each window's largest value, <see cref="AveragePooling2D"/>
/// its mean over the cells inside the image (padding never counts, as in TensorFlow).
/// </summary>
public abstract record Pooling2D(string Name, int PoolSize, int? Strides, bool SamePadding) : Layer(Name)
{
    public int Stride => Strides ?? PoolSize;

    public override TensorShape OutputShape(TensorShape input) => SlideWindow(input, "pool window", PoolSize, Stride, SamePadding, channels: null);

    public (int Before, int After) SamePaddingFor(int size) => TensorFlowPadding.Same(size, PoolSize, Stride);

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
}

/// <summary>Keras <c>MaxPooling2D(pool_size, strides, padding)</c>.</summary>
public sealed record MaxPooling2D(string Name, int PoolSize = 2, int? Strides = null, bool SamePadding = false)
    : Pooling2D(Name, PoolSize, Strides, SamePadding)
{
    public override string KerasClass => "MaxPooling2D";
}

/// <summary>Keras <c>AveragePooling2D(pool_size, strides, padding)</c>.</summary>
public sealed record AveragePooling2D(string Name, int PoolSize = 2, int? Strides = null, bool SamePadding = false)
    : Pooling2D(Name, PoolSize, Strides, SamePadding)
{
    public override string KerasClass => "AveragePooling2D";
}

/// <summary>Keras <c>Rescaling(scale, offset)</c>: output = input × scale + offset. A model that starts with it takes raw 0–255 pixels.</summary>
public sealed record Rescaling(string Name, double Scale, double Offset = 0) : Layer(Name)
{
    public override string KerasClass => "Rescaling";

    public override TensorShape OutputShape(TensorShape input) => input;

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
}

/// <summary>
/// Keras <c>BatchNormalization(axis=-1, momentum, epsilon)</c> over the last axis. Inference: (x − moving_mean)
/// / sqrt(moving_variance + ε) × gamma + beta. Training normalises with the batch's mean and (biased) variance
/// and moves the statistics: moving = moving × momentum + batch × (1 − momentum).
/// </summary>
/// <param name="Axis">Keras' axis counted with the batch (3 for an image's channels, 1 for a vector's units), or −1.</param>
public sealed record BatchNormalization(string Name, double Epsilon = 0.001, double Momentum = 0.99, int Axis = -1) : Layer(Name)
{
    public override string KerasClass => "BatchNormalization";

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
}

/// <summary>
/// Keras <c>Flatten()</c>. Keras flattens channels-last tensors in (height, width, channels) order, so
/// the network does the same; a Dense kernel from Keras then maps onto ours without reordering rows.
/// </summary>
public sealed record Flatten(string Name) : Layer(Name)
{
    public override string KerasClass => "Flatten";

    public override TensorShape OutputShape(TensorShape input) => new((int)input.ElementCount);

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
}

/// <summary>
/// Keras <c>Reshape(target_shape)</c>: the same values in row-major (channels-last) order, in a new shape;
/// one dimension may be −1 and is then inferred.
/// </summary>
public sealed record Reshape(string Name, int[] TargetShape) : Layer(Name)
{
    public override string KerasClass => "Reshape";

    public override TensorShape OutputShape(TensorShape input)
    {
        int unknown = TargetShape.Count(d => d == -1);
        long known = TargetShape.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (unknown > 1 || TargetShape.Any(d => d == 0 || d < -1) || known == 0)
            throw new FashionCnnException($"layer {Name} (Reshape) has target shape ({string.Join(", ", TargetShape)}); give positive sizes and at most one -1.");
        if (unknown == 1 ? input.ElementCount % known != 0 : known != input.ElementCount)
            throw new FashionCnnException($"layer {Name} (Reshape) cannot turn its {input} input ({input.ElementCount} values) into ({string.Join(", ", TargetShape)}).");
        if (TargetShape.Length is < 1 or > 3)
            throw new FashionCnnException($"layer {Name} (Reshape) gives a rank-{TargetShape.Length} output; supported: 1 to 3 dimensions.");
        return new TensorShape(TargetShape.Select(d => d == -1 ? (int)(input.ElementCount / known) : d).ToArray());
    }

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;

    public bool Equals(Reshape? other) => other is not null && Name == other.Name && TargetShape.SequenceEqual(other.TargetShape);

    public override int GetHashCode() => HashCode.Combine(Name, TargetShape.Length);
}

/// <summary>Keras <c>Dense(units, activation)</c>, applied to the last axis.</summary>
public sealed record Dense(string Name, int Units, Activation Activation) : Layer(Name)
{
    public override string KerasClass => "Dense";

    public override TensorShape OutputShape(TensorShape input) =>
        input.Rank == 1
            ? new TensorShape(Units)
            : throw new FashionCnnException($"layer {Name} (Dense) needs a flat input, got {input}; put a Flatten before it.");

    /// <summary>Keras' kernel (in, out), PyTorch's (out, in).</summary>
    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => KernelAndBias([input[0], Units], [1, 0], input[0], Units, Units);

    public override long Flops(TensorShape input, TensorShape output) => 2L * input[0] * Units;
}

/// <summary>Keras <c>Dropout(rate)</c>: active in training only.</summary>
public sealed record Dropout(string Name, double Rate) : Layer(Name)
{
    public override string KerasClass => "Dropout";

    public override TensorShape OutputShape(TensorShape input) => input;

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
}
