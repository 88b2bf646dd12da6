using FashionCnn.Plotting;
using ScottPlot;
using PlotStyle = FashionCnn.Plotting.PlotStyle;

namespace FashionCnn.Reports;

/// <summary>The confusion matrix as a picture: counts in the cells, class names on both axes, true classes down the side.</summary>
public static class ConfusionMatrixPlot
{
    public static void Save(ConfusionMatrix matrix, string path, string title)
    {
        int n = matrix.ClassNames.Count;
        var plot = PlotStyle.NewPlot();
        // A log-like scale lets the diagonal (hundreds) stand out while small confusions still show.
        var cells = new double[n, n];
        int max = matrix.Counts.Cast<int>().DefaultIfEmpty(1).Max();
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                cells[r, c] = Math.Sqrt(matrix.Counts[r, c]);
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed(); // white for none, dark blue for many
        heatmap.Rectangle = new CoordinateRect(0, n, 0, n); // the cells' outer edges (Extent would place their centres)
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Sqrt(Math.Max(max, 1)));

        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                int count = matrix.Counts[r, c];
                var label = plot.Add.Text(count.ToString(), c + 0.5, n - r - 0.5);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelBold = r == c;
                label.LabelFontColor = cells[r, c] > 0.55 * Math.Sqrt(max) ? Colors.White : Colors.Black;
            }

        double[] positions = Enumerable.Range(0, n).Select(i => i + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(positions, matrix.ClassNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Left.SetTicks(positions.Reverse().ToArray(), matrix.ClassNames.ToArray());
        plot.Axes.Left.MinimumSize = 100;
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Title(title);
        plot.Axes.SetLimits(0, n, 0, n);
        plot.HideGrid();
        PlotStyle.SavePng(plot, path, 900, 820);
    }
}
