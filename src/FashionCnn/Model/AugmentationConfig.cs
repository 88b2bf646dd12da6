using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Model;

/// <summary>
/// The Keras configs of the augmentation layers, read with Keras' own checks (keras/src/layers/preprocessing/
/// image_preprocessing/*.py) and written as Keras 3's <c>get_config</c> writes them: a factor as the (lower, upper)
/// list Keras keeps after reading it.
/// </summary>
internal static class AugmentationConfig
{
    public static readonly string[] Classes = ["RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast"];

    public static RandomAugmentation Parse(string type, KerasConfigValues c)
    {
        c.RequireChannelsLast();
        return type switch
        {
            "RandomFlip" => FlipMode(c, new RandomFlip(c.Layer, Seed: Seed(c))),
            "RandomTranslation" => new RandomTranslation(c.Layer, Symmetric(c, "height_factor", -1, 1, true), Symmetric(c, "width_factor", -1, 1, true),
                Fill(c), Interpolate(c), c.Number("fill_value", 0), Seed(c)),
            "RandomRotation" => new RandomRotation(c.Layer, Rotation(c), Fill(c), Interpolate(c), c.Number("fill_value", 0), Seed(c)),
            "RandomZoom" => new RandomZoom(c.Layer, Symmetric(c, "height_factor", -1, 1, false),
                c.Has("width_factor") ? Symmetric(c, "width_factor", -1, 1, false) : null, Fill(c), Interpolate(c), c.Number("fill_value", 0), Seed(c)),
            "RandomContrast" => Contrast(c),
            _ => throw new InvalidOperationException($"{type} is not an augmentation layer"),
        };
    }

    public static JsonObject Write(RandomAugmentation layer)
    {
        var config = new JsonObject { ["name"] = layer.Name };
        switch (layer)
        {
            case RandomFlip flip:
                config["mode"] = flip.Mode;
                break;
            case RandomTranslation translation:
                config["height_factor"] = Pair(translation.HeightFactor);
                config["width_factor"] = Pair(translation.WidthFactor);
                AddAffine(config, translation);
                break;
            case RandomRotation rotation:
                config["factor"] = Pair(rotation.Factor);
                AddAffine(config, rotation);
                break;
            case RandomZoom zoom:
                config["height_factor"] = Pair(zoom.HeightFactor);
                config["width_factor"] = zoom.WidthFactor is { } width ? Pair(width) : null;
                AddAffine(config, zoom);
                break;
            case RandomContrast contrast:
                config["factor"] = Pair(contrast.Factor);
                config["value_range"] = new JsonArray(contrast.RangeLow, contrast.RangeHigh);
                break;
            default:
                throw new InvalidOperationException($"no Keras config for {layer.GetType().Name}");
        }
        config["seed"] = layer.Seed;
        config["data_format"] = "channels_last";
        return config;
    }

    private static void AddAffine(JsonObject config, AffineAugmentation layer)
    {
        config["fill_mode"] = layer.FillMode.ToString().ToLowerInvariant();
        config["interpolation"] = layer.Interpolation.ToString().ToLowerInvariant();
        config["fill_value"] = layer.FillValue;
    }

    private static JsonArray Pair(FactorRange range) => new(range.Lower, range.Upper);

    private static RandomFlip FlipMode(KerasConfigValues c, RandomFlip flip) => c.String("mode") switch
    {
        null or "horizontal_and_vertical" => flip,
        "horizontal" => flip with { Vertical = false },
        "vertical" => flip with { Horizontal = false },
        var other => throw c.Error($"has mode '{other}'; Keras takes horizontal, vertical or horizontal_and_vertical"),
    };

    private static FillMode Fill(KerasConfigValues c) => c.String("fill_mode") switch
    {
        null or "reflect" => FillMode.Reflect,
        "wrap" => FillMode.Wrap,
        "constant" => FillMode.Constant,
        "nearest" => FillMode.Nearest,
        var other => throw c.Error($"has fill_mode '{other}'; Keras takes reflect, wrap, constant or nearest"),
    };

    private static Interpolation Interpolate(KerasConfigValues c) => c.String("interpolation") switch
    {
        null or "bilinear" => Interpolation.Bilinear,
        "nearest" => Interpolation.Nearest,
        var other => throw c.Error($"has interpolation '{other}'; Keras' augmentation layers take bilinear or nearest"),
    };

    private static int? Seed(KerasConfigValues c)
    {
        if (!c.Has("seed")) return null;
        double seed = c.Number("seed", 0);
        return seed == Math.Floor(seed) && Math.Abs(seed) <= int.MaxValue ? (int)seed : throw c.Error($"has seed {seed}, not a whole number");
    }

    /// <summary>
    /// A translation or zoom factor: one number f gives (−|f|, |f|), a list of two their sorted pair; each value within
    /// [<paramref name="min"/>, <paramref name="max"/>] (a zoom's lower end excluded: a zoom of 1 + (−1) is nothing).
    /// </summary>
    private static FactorRange Symmetric(KerasConfigValues c, string key, double min, double max, bool minIncluded)
    {
        var (values, single) = Values(c, key);
        foreach (double value in values)
            if (value > max || value < min || !minIncluded && value == min)
                throw c.Error($"has {key} {Show(values, single)}; Keras takes values {(minIncluded ? "from" : "above")} {min} {(minIncluded ? "to" : "up to")} {max}");
        return single ? new FactorRange(-Math.Abs(values[0]), Math.Abs(values[0])) : Sorted(values);
    }

    /// <summary>Keras 3's check of a rotation factor (a fraction of a full turn): one number within [−1, 1], or a list whose lower end is at most 1 and upper at least −1.</summary>
    private static FactorRange Rotation(KerasConfigValues c)
    {
        var (values, single) = Values(c, "factor");
        bool valid = single ? values[0] is >= -1 and <= 1 : values[0] <= 1 && values[1] >= -1;
        if (!valid) throw c.Error($"has factor {Show(values, single)}; Keras takes a fraction of a full turn within [-1, 1]");
        return single ? new FactorRange(-Math.Abs(values[0]), Math.Abs(values[0])) : Sorted(values);
    }

    /// <summary>
    /// A contrast factor within [0, 1]: the draw is from [1 − lower, 1 + upper]. A list is what Keras 3 writes; one number
    /// is Keras 2's form, where lower = upper = factor.
    /// </summary>
    private static RandomContrast Contrast(KerasConfigValues c)
    {
        var (values, single) = Values(c, "factor");
        if (values.Any(v => v is < 0 or > 1))
            throw c.Error($"has factor {Show(values, single)}; Keras takes values from 0 to 1");
        var factor = single ? new FactorRange(values[0], values[0]) : Sorted(values);
        double low = 0, high = 255;
        if (c.Has("value_range"))
        {
            var (range, one) = Values(c, "value_range");
            if (one || range[0] >= range[1]) throw c.Error($"has value_range {Show(range, one)}; Keras takes [low, high] with low below high");
            (low, high) = (range[0], range[1]);
        }
        return new RandomContrast(c.Layer, factor, low, high, Seed(c));
    }

    private static FactorRange Sorted(double[] values) => new(Math.Min(values[0], values[1]), Math.Max(values[0], values[1]));

    private static string Show(double[] values, bool single) => single ? $"{values[0]}" : $"[{string.Join(", ", values)}]";

    /// <summary>One finite number, or a list of exactly two.</summary>
    private static (double[] Values, bool Single) Values(KerasConfigValues c, string key)
    {
        var node = c.Node(key) ?? throw c.Error($"lacks {key}");
        if (node is JsonArray array)
        {
            var values = array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.IsFinite(v.GetValue<double>())
                ? v.GetValue<double>() : double.NaN).ToArray();
            if (values.Length != 2 || values.Any(double.IsNaN)) throw c.Error($"has {key} {node.ToJsonString()}; Keras takes one number or a list of two");
            return (values, false);
        }
        return ([c.Number(key, 0)], true);
    }
}
