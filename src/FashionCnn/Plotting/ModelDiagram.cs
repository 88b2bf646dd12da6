using FashionCnn.Model;
using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>
/// Keras' <c>plot_model(model, show_shapes=True)</c> without Graphviz: the InputLayer and the layers as a chain of boxes
/// from top to bottom, each with its name and class, input and output shape, and arrows between them.
/// </summary>
public static class ModelDiagram
{
    private const double BoxWidth = 6, BoxHeight = 1, Step = 1.7;

    /// <summary>
    /// The most layers drawn: the first and last halves, with one box saying how many are left out between them. A
    /// picture of 9,000 boxes took 2 GB and a minute, and one of 110,000 failed; nobody reads more than this many.
    /// </summary>
    public const int MaxDrawn = 60;

    public static void Save(ModelSpec spec, string path, string title)
    {
        var plot = PlotStyle.NewPlot();
        // Keras draws the model's InputLayer first, its input and output both the model's input.
        var input = (Name: "input_layer (InputLayer)", Input: spec.InputShape, Output: spec.InputShape);
        var all = spec.Shapes().Select(row => (Name: $"{row.Layer.Name} ({row.Layer.KerasClass})", row.Input, row.Output)).Prepend(input).ToList();
        int left = Math.Max(all.Count - MaxDrawn, 0);
        var rows = left == 0 ? all
            : all.Where((_, index) => index < MaxDrawn / 2 || index >= all.Count - MaxDrawn / 2).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var (layerName, layerInput, output) = rows[i];
            double top = -i * Step, bottom = top - BoxHeight;
            if (left > 0 && i == MaxDrawn / 2)
            {
                var gap = plot.Add.Text($"… {left:N0} more layers …", 0, top + (Step - BoxHeight) / 2);
                gap.LabelAlignment = Alignment.MiddleCenter;
                gap.LabelFontSize = 13;
            }
            var box = plot.Add.Rectangle(-BoxWidth / 2, BoxWidth / 2, bottom, top);
            box.FillColor = Color.FromHex("#E8F0FA");
            box.LineColor = Color.FromHex("#3A5F8F");
            box.LineWidth = 1.5f;

            var name = plot.Add.Text(layerName, 0, top - 0.3);
            name.LabelAlignment = Alignment.MiddleCenter;
            name.LabelFontSize = 15;
            name.LabelBold = true;
            var shapes = plot.Add.Text($"input: {layerInput}    output: {output}", 0, top - 0.72);
            shapes.LabelAlignment = Alignment.MiddleCenter;
            shapes.LabelFontSize = 13;

            if (i + 1 < rows.Count)
            {
                var arrow = plot.Add.Arrow(new Coordinates(0, bottom), new Coordinates(0, bottom - (Step - BoxHeight) + 0.02));
                arrow.ArrowFillColor = Color.FromHex("#3A5F8F");
                arrow.ArrowLineColor = Color.FromHex("#3A5F8F");
            }
        }
        plot.Title(title);
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left, plot.Axes.Right, plot.Axes.Top }) axis.IsVisible = false;
        plot.HideGrid();
        double lowest = -(rows.Count - 1) * Step - BoxHeight;
        plot.Axes.SetLimits(-BoxWidth / 2 - 0.3, BoxWidth / 2 + 0.3, lowest - 0.2, 0.2);
        PlotStyle.SavePng(plot, path, 560, 70 + rows.Count * 95);
    }
}
