using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn.Model.Layers;

/// <summary>
/// The arguments the augmentation layers share, read with Keras' own checks (keras/src/layers/preprocessing/
/// image_preprocessing/*.py) and written as Keras 3's <c>get_config</c> writes them.
/// </summary>
internal static class AugmentationConfig
{
    public static JsonArray Pair(FactorRange range) => new(range.Lower, range.Upper);

    public static FillMode Fill(KerasConfigValues c) => c.String("fill_mode") switch
    {
        null or "reflect" => FillMode.Reflect,
        "wrap" => FillMode.Wrap,
        "constant" => FillMode.Constant,
        "nearest" => FillMode.Nearest,
        var other => throw c.Error($"has fill_mode '{other}'; Keras takes reflect, wrap, constant or nearest"),
    };

    public static Interpolation Interpolate(KerasConfigValues c) => c.String("interpolation") switch
    {
        null or "bilinear" => Interpolation.Bilinear,
        "nearest" => Interpolation.Nearest,
        var other => throw c.Error($"has interpolation '{other}'; Keras' augmentation layers take bilinear or nearest"),
    };

    public static int? Seed(KerasConfigValues c)
    {
        if (!c.Has("seed")) return null;
        double seed = c.Number("seed", 0);
        return seed == Math.Floor(seed) && Math.Abs(seed) <= int.MaxValue ? (int)seed : throw c.Error($"has seed {seed}, not a whole number");
    }

    /// <summary>
    /// A translation or zoom factor: one number f gives (−|f|, |f|), a list of two their sorted pair; each value within
    /// [<paramref name="min"/>, <paramref name="max"/>] (a zoom's lower end excluded: a zoom of 1 + (−1) is nothing).
    /// </summary>
    public static FactorRange Symmetric(KerasConfigValues c, string key, double min, double max, bool minIncluded)
    {
        var (values, single) = Values(c, key);
        foreach (double value in values)
            if (value > max || value < min || !minIncluded && value == min)
                throw c.Error($"has {key} {Show(values, single)}; Keras takes values {(minIncluded ? "from" : "above")} {min} {(minIncluded ? "to" : "up to")} {max}");
        return single ? new FactorRange(-Math.Abs(values[0]), Math.Abs(values[0])) : Sorted(values);
    }

    public static FactorRange Sorted(double[] values) => new(Math.Min(values[0], values[1]), Math.Max(values[0], values[1]));

    public static string Show(double[] values, bool single) => single ? $"{values[0]}" : $"[{string.Join(", ", values)}]";

    /// <summary>One finite number, or a list of exactly two.</summary>
    public static (double[] Values, bool Single) Values(KerasConfigValues c, string key)
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
