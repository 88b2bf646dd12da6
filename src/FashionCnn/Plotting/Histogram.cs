namespace FashionCnn.Plotting;

/// <summary>A histogram of values, as the book's <c>plt.hist(weights.reshape(-1, 1))</c>, with more bins to show the shape.</summary>
public static class Histogram
{
    public const int Bins = 40;

    /// <param name="range">The x range to bin and show; several histograms with one range can be compared at a glance. Null: the values' own.</param>
    public static void Save(float[] values, string path, string title, ScottPlot.Range? range = null, string valueLabel = "weight")
    {
        var own = FiniteValues.Range(values);
        double min = range?.Min ?? own.Min, max = range?.Max ?? own.Max;
        if (max <= min) max = min + 1e-6;
        double width = (max - min) / Bins;
        var counts = new double[Bins];
        int left = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v)) counts[Math.Clamp((int)((v - min) / width), 0, Bins - 1)]++;
            else left++;
        }
        title += FiniteValues.Note(left);

        var plot = PlotStyle.NewPlot();
        var bars = plot.Add.Bars(Enumerable.Range(0, Bins).Select(i => min + (i + 0.5) * width).ToArray(), counts);
        foreach (var bar in bars.Bars)
        {
            bar.Size = width * 0.95;
            bar.LineWidth = 0;
        }
        plot.Title(title);
        plot.XLabel(valueLabel);
        plot.YLabel("count");
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(min - width, max + width);
        PlotStyle.SavePng(plot, path, 800, 500);
    }
}
