namespace FashionCnn.Plotting;

/// <summary>
/// What a plot may draw of values that can hold NaN or infinity (a diverged run's loss, the weights of a broken model,
/// the output of an ONNX model): only the finite ones. An axis or colour range comes from them alone (ScottPlot refuses
/// a range whose end is not a real number), and a plot with values left out says how many in its title.
/// </summary>
public static class FiniteValues
{
    /// <summary>The smallest and largest finite value; <paramref name="fallback"/> when there is none.</summary>
    public static ScottPlot.Range Range(IEnumerable<double> values, ScottPlot.Range? fallback = null)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return min <= max ? new ScottPlot.Range(min, max) : fallback ?? new ScottPlot.Range(0, 1);
    }

    public static ScottPlot.Range Range(IEnumerable<float> values, ScottPlot.Range? fallback = null) => Range(values.Select(v => (double)v), fallback);

    /// <summary>The largest finite absolute value, or <paramref name="fallback"/>.</summary>
    public static double MaxAbs(IEnumerable<float> values, double fallback)
    {
        var range = Range(values, new ScottPlot.Range(0, 0));
        double limit = Math.Max(Math.Abs(range.Min), Math.Abs(range.Max));
        return limit > 0 ? limit : fallback;
    }

    /// <summary>A heatmap cell: NaN (drawn empty) for infinity too, which ScottPlot cannot place on a colour scale.</summary>
    public static double OrNaN(float value) => float.IsFinite(value) ? value : double.NaN;

    /// <summary>How many values are NaN or infinite.</summary>
    public static int NonFinite(IEnumerable<double> values) => values.Count(v => !double.IsFinite(v));

    /// <summary>The note a title gets when <paramref name="count"/> values were left out.</summary>
    public static string Note(int count) => count == 0 ? "" : $" ({count:N0} value(s) NaN or infinite, not drawn)";
}
