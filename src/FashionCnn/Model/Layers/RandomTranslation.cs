using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>RandomTranslation(height_factor, width_factor)</c>: shifts each image by a fraction of its size drawn from
/// each range (positive: down and right), Keras' matrix [1, 0, −dx, 0, 1, −dy].
/// </summary>
public sealed record RandomTranslation(string Name, FactorRange HeightFactor, FactorRange WidthFactor,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomTranslation";

    internal static RandomTranslation FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        return new RandomTranslation(c.Layer, AugmentationConfig.Symmetric(c, "height_factor", -1, 1, true),
            AugmentationConfig.Symmetric(c, "width_factor", -1, 1, true),
            AugmentationConfig.Fill(c), AugmentationConfig.Interpolate(c), c.Number("fill_value", 0), AugmentationConfig.Seed(c));
    }

    private protected override void WriteArguments(JsonObject config)
    {
        config["height_factor"] = AugmentationConfig.Pair(HeightFactor);
        config["width_factor"] = AugmentationConfig.Pair(WidthFactor);
        WriteFill(config);
    }

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device)
    {
        var dy = Uniform(count, HeightFactor, generator, device).mul_(height);
        var dx = Uniform(count, WidthFactor, generator, device).mul_(width);
        return Matrix(dx, dy);
    }

    /// <summary>The transforms that shift by (<paramref name="dx"/>, <paramref name="dy"/>) pixels, one per image.</summary>
    public static Tensor Matrix(Tensor dx, Tensor dy)
    {
        var one = ones_like(dx);
        var zero = zeros_like(dx);
        return stack([one, zero, dx.neg(), zero, one, dy.neg()], 1);
    }
}

