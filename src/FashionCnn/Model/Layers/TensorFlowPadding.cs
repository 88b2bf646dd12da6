namespace FashionCnn.Model.Layers;

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
