using FashionCnn.Model.Layers;

namespace FashionCnn.Model;

/// <summary>
/// Keras' default kernel initialiser, <c>glorot_uniform</c>: U(−limit, limit) with
/// limit = sqrt(6 / (fan_in + fan_out)). For a k×k convolution fan_in = k·k·in and fan_out = k·k·out;
/// for Dense, the input and output widths. Biases start at zero (Keras' <c>zeros</c>).
/// </summary>
public static class GlorotUniform
{
    /// <summary>The limit for <paramref name="layer"/>'s kernel on <paramref name="input"/>, or null when it has none.</summary>
    public static double? Limit(Layer layer, TensorShape input) =>
        layer.Variables(input).FirstOrDefault(v => v.Initializer == Initializer.GlorotUniform) is { } kernel ? Limit(kernel.FanIn, kernel.FanOut) : null;

    public static double Limit(long fanIn, long fanOut) => Math.Sqrt(6.0 / (fanIn + fanOut));
}
