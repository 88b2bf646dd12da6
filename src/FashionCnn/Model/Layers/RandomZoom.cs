using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>RandomZoom(height_factor, width_factor)</c>: scales each image about its centre by 1 + a draw from each
/// range (positive: zoom out); without a width factor the height's draw serves both axes.
/// </summary>
public sealed record RandomZoom(string Name, FactorRange HeightFactor, FactorRange? WidthFactor = null,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomZoom";

    internal static RandomZoom FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        return new RandomZoom(c.Layer, AugmentationConfig.Symmetric(c, "height_factor", -1, 1, false),
            c.Has("width_factor") ? AugmentationConfig.Symmetric(c, "width_factor", -1, 1, false) : null,
            AugmentationConfig.Fill(c), AugmentationConfig.Interpolate(c), c.Number("fill_value", 0), AugmentationConfig.Seed(c));
    }

    private protected override void WriteArguments(JsonObject config)
    {
        config["height_factor"] = AugmentationConfig.Pair(HeightFactor);
        config["width_factor"] = WidthFactor is { } width ? AugmentationConfig.Pair(width) : null;
        WriteFill(config);
    }

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device)
    {
        var zoomY = Uniform(count, HeightFactor, generator, device).add_(1);
        var zoomX = WidthFactor is { } widthFactor ? Uniform(count, widthFactor, generator, device).add_(1) : zoomY;
        return Matrix(zoomX, zoomY, height, width);
    }

    /// <summary>Keras' zoom matrix [zx, 0, (W − 1)/2 · (1 − zx), 0, zy, (H − 1)/2 · (1 − zy)], one per image.</summary>
    public static Tensor Matrix(Tensor zoomX, Tensor zoomY, long height, long width)
    {
        var zero = zeros_like(zoomX);
        var a2 = zoomX.neg().add(1).mul(0.5 * (width - 1));
        var b2 = zoomY.neg().add(1).mul(0.5 * (height - 1));
        return stack([zoomX, zero, a2, zero, zoomY, b2], 1);
    }
}

