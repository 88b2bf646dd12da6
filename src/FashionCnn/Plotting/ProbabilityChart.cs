using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>The book's bar chart of a prediction: the probability of each of the ten classes.</summary>
public static class ProbabilityChart
{
    public static void Save(double[] probabilities, IReadOnlyList<string> classNames, string path, string title)
    {
        var plot = PlotStyle.NewPlot();
        title += FiniteValues.Note(FiniteValues.NonFinite(probabilities));
        double[] drawn = probabilities.Select(p => double.IsFinite(p) ? p : 0).ToArray();
        var bars = plot.Add.Bars(Enumerable.Range(0, drawn.Length).Select(i => (double)i).ToArray(), drawn);
        int best = Array.IndexOf(drawn, drawn.DefaultIfEmpty(0).Max());
        for (int i = 0; i < bars.Bars.Count; i++)
        {
            bars.Bars[i].FillColor = i == best ? Color.FromHex("#1F77B4") : Color.FromHex("#A9C6E3");
            bars.Bars[i].LineWidth = 0;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classNames.Count).Select(i => (double)i).ToArray(), classNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = 80;
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title(title);
        plot.XLabel("class");
        plot.YLabel("probability");
        PlotStyle.SavePng(plot, path, 800, 500);
    }
}
