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

    public virtual long ParameterCount(TensorShape input) => 0;

    /// <summary>The part of <see cref="ParameterCount"/> that training does not update (BatchNormalization's moving statistics).</summary>
    public virtual long NonTrainableParameterCount(TensorShape input) => 0;

    /// <summary>
    /// The name its variables are stored under (<c>conv2d.weight</c>) and its TorchSharp module is registered by. Keras
    /// allows any name (<c>conv2d.v2</c>), but a '.' separates a module from its variable in a state_dict, so it becomes
    /// '_' here; the Keras name stays the one shown to the user.
    /// </summary>
    public string ModuleName => Name.Replace('.', '_');

    /// <summary>Whether the layer has variables of its own (what Keras' <c>load_weights</c> counts when it matches by order).</summary>
    public bool HasWeights => this is Conv2D or Dense or BatchNormalization;

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

    public override long ParameterCount(TensorShape input) => (long)KernelSize * KernelSize * input[2] * Filters + Filters;
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

    public override long ParameterCount(TensorShape input) => 4L * input[input.Rank - 1];

    public override long NonTrainableParameterCount(TensorShape input) => 2L * input[input.Rank - 1];
}

/// <summary>
/// Keras <c>Flatten()</c>. Keras flattens channels-last tensors in (height, width, channels) order, so
/// the network does the same; a Dense kernel from Keras then maps onto ours without reordering rows.
/// </summary>
public sealed record Flatten(string Name) : Layer(Name)
{
    public override string KerasClass => "Flatten";

    public override TensorShape OutputShape(TensorShape input) => new((int)input.ElementCount);
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

    public override long ParameterCount(TensorShape input) => (long)input[0] * Units + Units;
}

/// <summary>Keras <c>Dropout(rate)</c>: active in training only.</summary>
public sealed record Dropout(string Name, double Rate) : Layer(Name)
{
    public override string KerasClass => "Dropout";

    public override TensorShape OutputShape(TensorShape input) => input;
}
