using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>A Dense layer's weights as a picture: one row per unit, one column per input feature, blue negative, red positive.</summary>
public static class WeightMatrixPlot
{
    public static void Save(float[] weights, int units, int inputs, string path, string title)
    {
        var cells = new double[units, inputs];
        double limit = Math.Max(FiniteValues.MaxAbs(weights, 1e-6), 1e-6);
        for (int u = 0; u < units; u++)
            for (int i = 0; i < inputs; i++)
                // Heatmap rows are drawn from the top; unit 0 belongs at the bottom of the y axis.
                cells[units - 1 - u, i] = FiniteValues.OrNaN(weights[u * inputs + i]);
        title += FiniteValues.Note(FiniteValues.NonFinite(weights.Select(w => (double)w)));

        var plot = PlotStyle.NewPlot();
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        heatmap.Rectangle = new CoordinateRect(0, inputs, 0, units);
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit); // symmetric, so zero is the middle colour
        PlotStyle.AddColorBar(plot, heatmap);
        plot.Title(title);
        plot.XLabel("input feature");
        plot.YLabel("unit");
        plot.Axes.SetLimits(0, inputs, 0, units);
        plot.HideGrid();
        int height = Math.Clamp(units * 6, 260, 900) + 120;
        PlotStyle.SavePng(plot, path, 1200, height);
    }
}
