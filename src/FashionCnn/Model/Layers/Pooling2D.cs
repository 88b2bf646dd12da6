using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras' 2-D pooling: a square window, strides defaulting to the window, TensorFlow's "valid" or "same"
/// padding. <see cref="MaxPooling2D"/> takes each window's largest value, <see cref="AveragePooling2D"/>
/// its mean over the cells inside the image (padding never counts, as in TensorFlow).
/// </summary>
public abstract record Pooling2D(string Name, int PoolSize, int? Strides, bool SamePadding) : Layer(Name)
{
    public int Stride => Strides ?? PoolSize;

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input) => SlideWindow(input, "pool window", PoolSize, Stride, SamePadding, channels: null);

    public (int Before, int After) SamePaddingFor(int size) => TensorFlowPadding.Same(size, PoolSize, Stride);

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config(("pool_size", Pair(PoolSize)), ("strides", Pair(Stride)), ("padding", SamePadding ? "same" : "valid"));

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    /// <summary>The layer <paramref name="create"/> makes of the window's size, its stride (null when it is the window's) and the padding a Keras config gives.</summary>
    private protected static T ReadKeras<T>(KerasConfigValues c, Func<string, int, int?, bool, T> create)
    {
        c.RequireChannelsLast();
        int pool = c.Square("pool_size", LayerKinds.MaxWindow, fallback: 2);
        int strides = c.Square("strides", LayerKinds.MaxWindow, fallback: pool);
        return create(c.Layer, pool, strides == pool ? null : strides, c.SamePadding());
    }

    /// <summary>"same" padding as TensorFlow pads (extra at the bottom and right), as (left, right, top, bottom); all 0 for "valid".</summary>
    private protected long[] Padding(TensorShape input)
    {
        var (top, bottom) = SamePadding ? SamePaddingFor(input[0]) : (0, 0);
        var (left, right) = SamePadding ? SamePaddingFor(input[1]) : (0, 0);
        return [left, right, top, bottom];
    }

    /// <summary>The ONNX pooling node: ONNX pads as given (top, left, bottom, right).</summary>
    private protected void WritePool(LayerGraph graph, string op, TensorShape input, TensorShape output, params GraphAttribute[] extra)
    {
        graph.ToChannelsFirst(Name);
        long[] pad = Padding(input);
        graph.Apply(Name, op, [], [LayerGraph.Batch, output[2], output[0], output[1]],
        [
            GraphAttribute.Ints("kernel_shape", PoolSize, PoolSize), GraphAttribute.Ints("strides", Stride, Stride),
            GraphAttribute.Ints("pads", pad[2], pad[0], pad[3], pad[1]), .. extra,
        ]);
    }

    private protected long[] Window => [PoolSize, PoolSize];

    private protected long[] StrideArray => [Stride, Stride];
}

/// <summary>Keras <c>MaxPooling2D(pool_size, strides, padding)</c>: padded cells never win a maximum; ONNX's MaxPool never picks one either.</summary>
public sealed record MaxPooling2D(string Name, int PoolSize = 2, int? Strides = null, bool SamePadding = false)
    : Pooling2D(Name, PoolSize, Strides, SamePadding)
{
    public override string KerasClass => "MaxPooling2D";

    internal static MaxPooling2D FromKeras(KerasConfigValues c) => ReadKeras(c, (name, pool, stride, same) => new MaxPooling2D(name, pool, stride, same));

    public override Tensor Forward(LayerRun run, Tensor x) => SamePadding
        ? nn.functional.max_pool2d(nn.functional.pad(x, Padding(run.Input), value: double.NegativeInfinity), Window, StrideArray)
        : nn.functional.max_pool2d(x, Window, StrideArray);

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput) => WritePool(graph, "MaxPool", input, output);
}

/// <summary>
/// Keras <c>AveragePooling2D(pool_size, strides, padding)</c>: TensorFlow divides by the number of cells inside the image,
/// as ONNX's AveragePool with count_include_pad = 0 does.
/// </summary>
public sealed record AveragePooling2D(string Name, int PoolSize = 2, int? Strides = null, bool SamePadding = false)
    : Pooling2D(Name, PoolSize, Strides, SamePadding)
{
    public override string KerasClass => "AveragePooling2D";

    internal static AveragePooling2D FromKeras(KerasConfigValues c) => ReadKeras(c, (name, pool, stride, same) => new AveragePooling2D(name, pool, stride, same));

    public override Tensor Forward(LayerRun run, Tensor x)
    {
        if (!SamePadding) return nn.functional.avg_pool2d(x, Window, StrideArray);
        long[] padding = Padding(run.Input);
        using var image = ones(1, 1, x.shape[2], x.shape[3], x.dtype, x.device);
        var sums = nn.functional.avg_pool2d(nn.functional.pad(x, padding), Window, StrideArray);
        var inside = nn.functional.avg_pool2d(nn.functional.pad(image, padding), Window, StrideArray);
        return sums.div(inside);
    }

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput) =>
        WritePool(graph, "AveragePool", input, output, GraphAttribute.Int("count_include_pad", 0));
}
