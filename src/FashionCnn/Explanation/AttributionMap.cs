namespace FashionCnn.Explanation;

/// <summary>What every method's map goes through before it is shown or printed.</summary>
public static class AttributionMap
{
    /// <summary>
    /// The map divided by its largest value, so its maximum is 1, with negative values (occlusion patches that make
    /// the class more likely) set to 0; all zeros when no value is positive. Also gives the divisor, in the map's own unit.
    /// </summary>
    public static (float[] Scaled, double Maximum) ScaleToUnitMaximum(float[] map)
    {
        float maximum = map.Length == 0 ? 0 : map.Max();
        if (!(maximum > 0)) return (new float[map.Length], 0);
        return (map.Select(v => v > 0 ? v / maximum : 0f).ToArray(), maximum);
    }

    /// <summary>
    /// Bilinear resampling of a <paramref name="height"/> × <paramref name="width"/> map to <paramref name="toHeight"/> ×
    /// <paramref name="toWidth"/> with pixel centres aligned as PyTorch's interpolate (align_corners=False) and
    /// TensorFlow's resize do: output pixel x samples the input at (x + 0.5) · width / toWidth − 0.5, clamped to the edges.
    /// </summary>
    public static float[] Upsample(float[] map, int height, int width, int toHeight, int toWidth)
    {
        var result = new float[toHeight * toWidth];
        for (int y = 0; y < toHeight; y++)
        {
            var (y0, y1, wy) = Source(y, height, toHeight);
            for (int x = 0; x < toWidth; x++)
            {
                var (x0, x1, wx) = Source(x, width, toWidth);
                double top = map[y0 * width + x0] * (1 - wx) + map[y0 * width + x1] * wx;
                double bottom = map[y1 * width + x0] * (1 - wx) + map[y1 * width + x1] * wx;
                result[y * toWidth + x] = (float)(top * (1 - wy) + bottom * wy);
            }
        }
        return result;
    }

    /// <summary>The two input cells an output cell falls between along one axis, and the weight of the second.</summary>
    private static (int First, int Second, double Weight) Source(int output, int size, int toSize)
    {
        double position = Math.Max((output + 0.5) * size / toSize - 0.5, 0);
        int first = Math.Min((int)position, size - 1);
        return (first, Math.Min(first + 1, size - 1), position - first);
    }
}
