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
}

/// <summary>Keras <c>Conv2D(filters, kernel_size, activation, padding)</c>, stride 1.</summary>
public sealed record Conv2D(string Name, int Filters, int KernelSize, Activation Activation, bool SamePadding = true) : Layer(Name)
{
    public override string KerasClass => "Conv2D";

    public override TensorShape OutputShape(TensorShape input)
    {
        RequireImage(input);
        int shrink = SamePadding ? 0 : KernelSize - 1;
        return new TensorShape(input[0] - shrink, input[1] - shrink, Filters);
    }

    public override long ParameterCount(TensorShape input) => (long)KernelSize * KernelSize * input[2] * Filters + Filters;

    internal void RequireImage(TensorShape input)
    {
        if (input.Rank != 3)
            throw new FashionCnnException($"layer {Name} ({KerasClass}) needs an image input (height, width, channels), got {input}.");
    }
}

/// <summary>Keras <c>MaxPooling2D(pool_size)</c>: stride = pool size, padding valid.</summary>
public sealed record MaxPooling2D(string Name, int PoolSize = 2) : Layer(Name)
{
    public override string KerasClass => "MaxPooling2D";

    public override TensorShape OutputShape(TensorShape input) =>
        input.Rank == 3
            ? new TensorShape(input[0] / PoolSize, input[1] / PoolSize, input[2])
            : throw new FashionCnnException($"layer {Name} (MaxPooling2D) needs an image input, got {input}.");
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
