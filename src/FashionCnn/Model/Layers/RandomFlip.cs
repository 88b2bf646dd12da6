using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>Keras <c>RandomFlip(mode)</c>: mirrors half the images; in "horizontal_and_vertical" one draw flips both axes, as Keras 3 does.</summary>
public sealed record RandomFlip(string Name, bool Horizontal = true, bool Vertical = true, int? Seed = null) : RandomAugmentation(Name, Seed)
{
    public override string KerasClass => "RandomFlip";

    internal static RandomFlip FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        var flip = new RandomFlip(c.Layer, Seed: AugmentationConfig.Seed(c));
        return c.String("mode") switch
        {
            null or "horizontal_and_vertical" => flip,
            "horizontal" => flip with { Vertical = false },
            "vertical" => flip with { Horizontal = false },
            var other => throw c.Error($"has mode '{other}'; Keras takes horizontal, vertical or horizontal_and_vertical"),
        };
    }

    private protected override void WriteArguments(JsonObject config) => config["mode"] = Mode;

    public string Mode => (Horizontal, Vertical) switch
    {
        (true, true) => "horizontal_and_vertical",
        (true, false) => "horizontal",
        _ => "vertical",
    };

    private protected override Tensor Apply(Tensor images, long count, Generator? generator)
    {
        var flip = rand(count, generator: generator, device: images.device).le(0.5).view(count, 1, 1, 1);
        return Flip(images, flip);
    }

    /// <summary>The images with those where <paramref name="flip"/> (N, 1, 1, 1) is true mirrored along the layer's axes.</summary>
    public Tensor Flip(Tensor images, Tensor flip)
    {
        var result = images;
        if (Horizontal) result = where(flip, result.flip(3), result);
        if (Vertical) result = where(flip, result.flip(2), result);
        return result;
    }
}

