using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>RandomRotation(factor)</c>: turns each image about its centre by an angle drawn from factor × 360°
/// (positive: counter-clockwise), with Keras 3's matrix (<c>_compute_affine_matrix</c> with centre 0.5, 0.5).
/// </summary>
public sealed record RandomRotation(string Name, FactorRange Factor,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomRotation";

    /// <summary>Keras 3's check of a rotation factor (a fraction of a full turn): one number within [−1, 1], or a list whose lower end is at most 1 and upper at least −1.</summary>
    internal static RandomRotation FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        var (values, single) = AugmentationConfig.Values(c, "factor");
        bool valid = single ? values[0] is >= -1 and <= 1 : values[0] <= 1 && values[1] >= -1;
        if (!valid) throw c.Error($"has factor {AugmentationConfig.Show(values, single)}; Keras takes a fraction of a full turn within [-1, 1]");
        var factor = single ? new FactorRange(-Math.Abs(values[0]), Math.Abs(values[0])) : AugmentationConfig.Sorted(values);
        return new RandomRotation(c.Layer, factor, AugmentationConfig.Fill(c), AugmentationConfig.Interpolate(c), c.Number("fill_value", 0), AugmentationConfig.Seed(c));
    }

    private protected override void WriteArguments(JsonObject config)
    {
        config["factor"] = AugmentationConfig.Pair(Factor);
        WriteFill(config);
    }

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device) =>
        Matrix(Uniform(count, Factor, generator, device).mul_(2 * Math.PI), height, width);

    /// <summary>The transforms that turn by <paramref name="radians"/> about the image's centre, one per image.</summary>
    public static Tensor Matrix(Tensor radians, long height, long width)
    {
        double cx = 0.5 * (width - 1), cy = 0.5 * (height - 1);
        var cos = radians.cos();
        var sin = radians.sin();
        var a2 = cos.mul(-cx).add(sin.mul(cy)).add(cx);
        var b2 = sin.mul(-cx).sub(cos.mul(cy)).add(cy);
        return stack([cos, sin.neg(), a2, sin, cos, b2], 1);
    }
}

