using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>RandomContrast(factor, value_range)</c>: each image's channels are pulled towards or pushed from their own
/// mean by a factor drawn from [1 − lower, 1 + upper], then clipped to the value range.
/// </summary>
public sealed record RandomContrast(string Name, FactorRange Factor, double RangeLow = 0, double RangeHigh = 255, int? Seed = null)
    : RandomAugmentation(Name, Seed)
{
    public override string KerasClass => "RandomContrast";

    /// <summary>
    /// A contrast factor within [0, 1]: the draw is from [1 − lower, 1 + upper]. A list is what Keras 3 writes; one number
    /// is Keras 2's form, where lower = upper = factor.
    /// </summary>
    internal static RandomContrast FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        var (values, single) = AugmentationConfig.Values(c, "factor");
        if (values.Any(v => v is < 0 or > 1))
            throw c.Error($"has factor {AugmentationConfig.Show(values, single)}; Keras takes values from 0 to 1");
        var factor = single ? new FactorRange(values[0], values[0]) : AugmentationConfig.Sorted(values);
        double low = 0, high = 255;
        if (c.Has("value_range"))
        {
            var (range, one) = AugmentationConfig.Values(c, "value_range");
            if (one || range[0] >= range[1]) throw c.Error($"has value_range {AugmentationConfig.Show(range, one)}; Keras takes [low, high] with low below high");
            (low, high) = (range[0], range[1]);
        }
        return new RandomContrast(c.Layer, factor, low, high, AugmentationConfig.Seed(c));
    }

    private protected override void WriteArguments(JsonObject config)
    {
        config["factor"] = AugmentationConfig.Pair(Factor);
        config["value_range"] = new JsonArray(RangeLow, RangeHigh);
    }

    private protected override Tensor Apply(Tensor images, long count, Generator? generator)
    {
        var factor = Uniform(count, new FactorRange(1 - Factor.Lower, 1 + Factor.Upper), generator, images.device);
        return Adjust(images, factor);
    }

    /// <summary>(x − mean) · factor + mean per image and channel, the mean over height and width, clipped to the value range.</summary>
    public Tensor Adjust(Tensor images, Tensor factor)
    {
        var mean = images.mean([2, 3], keepdim: true);
        return images.sub(mean).mul(factor.view(-1, 1, 1, 1)).add(mean).clamp(RangeLow, RangeHigh);
    }
}
