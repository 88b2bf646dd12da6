namespace FashionCnn.Plotting;

/// <summary>A histogram of values, as the book's <c>plt.hist(weights.reshape(-1, 1))</c>, with more bins to show the shape.</summary>
public static class Histogram
{
    public const int Bins = 40;

    /// <summary>
    /// At least <see cref="Bins"/> bins over [<paramref name="min"/>, <paramref name="max"/>]. With an <paramref name="edge"/>
    /// (Glorot's limit), 0 and ±edge are bin edges, so the flat top of a uniform initialisation ends exactly at a bin's
    /// side instead of in a half-filled bin; an edge too small for the range (under one bin in ~2 × <see cref="Bins"/>) is ignored.
    /// </summary>
    public static HistogramBins BinsFor(double min, double max, double? edge = null)
    {
        if (max <= min) max = min + 1e-6;
        double span = max - min;
        if (edge is double limit && limit > 0 && double.IsFinite(limit))
        {
            double width = limit / Math.Max(1, Math.Ceiling(Bins * limit / span)); // never coarser than Bins over the range
            if (span / width <= 2 * Bins)
            {
                double origin = Math.Floor(min / width) * width;
                return new HistogramBins(origin, width, Math.Max(1, (int)Math.Ceiling((max - origin) / width - 1e-9)));
            }
        }
        return new HistogramBins(min, span / Bins, Bins);
    }

    /// <param name="range">The x range to bin and show; several histograms with one range can be compared at a glance. Null: the values' own.</param>
    /// <param name="edge">A value that is a bin edge, with its negative and 0 (see <see cref="BinsFor"/>).</param>
    public static void Save(float[] values, string path, string title, ScottPlot.Range? range = null, string valueLabel = "weight", double? edge = null)
    {
        var own = FiniteValues.Range(values);
        var bins = BinsFor(range?.Min ?? own.Min, range?.Max ?? own.Max, edge);
        var (counts, left) = bins.Tally(values);
        title += FiniteValues.Note(left);

        var plot = PlotStyle.NewPlot();
        var bars = plot.Add.Bars(Enumerable.Range(0, bins.Count).Select(i => bins.Edge(i) + 0.5 * bins.Width).ToArray(), counts);
        foreach (var bar in bars.Bars)
        {
            bar.Size = bins.Width * 0.95;
            bar.LineWidth = 0;
        }
        plot.Title(title);
        plot.XLabel(valueLabel);
        plot.YLabel("count");
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(bins.Origin - bins.Width, bins.Edge(bins.Count) + bins.Width);
        PlotStyle.SavePng(plot, path, 800, 500);
    }
}
