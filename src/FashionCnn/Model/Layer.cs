namespace FashionCnn.Model;

/// <summary>The activation a layer applies to its output.</summary>
public enum Activation { Linear, Relu, Softmax }

/// <summary>
/// One layer of a Keras-like Sequential model, described rather than built: its Keras name and class,
/// and the output shape and parameter count it has for a given input. The same description builds the
/// TorchSharp network (<see cref="SequentialNet"/>), prints the summary, and maps imported weights.
/// </summary>
public abstract record Layer(string Name)
{
    /// <summary>The Keras class name, as <c>model.summary()</c> prints it.</summary>
    public abstract string KerasClass { get; }

    public abstract TensorShape OutputShape(TensorShape input);

    public virtual long ParameterCount(TensorShape input) => 0;

    /// <summary>The part of <see cref="ParameterCount"/> that training does not update (BatchNormalization's moving statistics).</summary>
    public virtual long NonTrainableParameterCount(TensorShape input) => 0;
}

/// <summary>
/// Keras <c>Conv2D(filters, kernel_size, strides, padding, activation)</c> with square kernels and strides.
/// Padding "same" is TensorFlow's: output = ceil(input / stride), the odd pixel of padding at the bottom and right.
/// </summary>
public sealed record Conv2D(string Name, int Filters, int KernelSize, Activation Activation, bool SamePadding = true, int Strides = 1) : Layer(Name)
{
    public override string KerasClass => "Conv2D";

    public override TensorShape OutputShape(TensorShape input)
    {
        RequireImage(input);
        int Size(int n) => SamePadding ? (n + Strides - 1) / Strides : (n - KernelSize) / Strides + 1;
        if (Size(input[0]) < 1 || Size(input[1]) < 1)
            throw new FashionCnnException($"layer {Name} (Conv2D): a {KernelSize}×{KernelSize} kernel does not fit its {input} input.");
        return new TensorShape(Size(input[0]), Size(input[1]), Filters);
    }

    /// <summary>TensorFlow's "same" padding along one axis of <paramref name="size"/> pixels: (before, after).</summary>
    public (int Before, int After) SamePaddingFor(int size)
    {
        int output = (size + Strides - 1) / Strides;
        int total = Math.Max((output - 1) * Strides + KernelSize - size, 0);
        return (total / 2, total - total / 2);
    }

    public override long ParameterCount(TensorShape input) => (long)KernelSize * KernelSize * input[2] * Filters + Filters;

    internal void RequireImage(TensorShape input)
    {
        if (input.Rank != 3)
            throw new FashionCnnException($"layer {Name} ({KerasClass}) needs an image input (height, width, channels), got {input}.");
    }
}

/// <summary>Keras <c>MaxPooling2D(pool_size, strides)</c> with padding "valid"; strides default to the pool size.</summary>
public sealed record MaxPooling2D(string Name, int PoolSize = 2, int? Strides = null) : Layer(Name)
{
    public override string KerasClass => "MaxPooling2D";

    public int Stride => Strides ?? PoolSize;

    public override TensorShape OutputShape(TensorShape input) =>
        input.Rank == 3 && input[0] >= PoolSize && input[1] >= PoolSize
            ? new TensorShape((input[0] - PoolSize) / Stride + 1, (input[1] - PoolSize) / Stride + 1, input[2])
            : throw new FashionCnnException($"layer {Name} (MaxPooling2D) needs an image input of at least {PoolSize}×{PoolSize}, got {input}.");
}

/// <summary>Keras <c>Rescaling(scale, offset)</c>: output = input × scale + offset. A model that starts with it takes raw 0–255 pixels.</summary>
public sealed record Rescaling(string Name, double Scale, double Offset = 0) : Layer(Name)
{
    public override string KerasClass => "Rescaling";

    public override TensorShape OutputShape(TensorShape input) => input;
}

/// <summary>
/// Keras <c>BatchNormalization(axis=-1, epsilon)</c> in its inference form: (x − moving_mean) / sqrt(moving_variance + ε)
/// × gamma + beta, per channel (the last axis).
/// </summary>
public sealed record BatchNormalization(string Name, double Epsilon = 0.001) : Layer(Name)
{
    public override string KerasClass => "BatchNormalization";

    public override TensorShape OutputShape(TensorShape input) => input;

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

/// <summary>Keras <c>Dense(units, activation)</c>.</summary>
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
