using FashionCnn.Plotting;
using ScottPlot;
using PlotStyle = FashionCnn.Plotting.PlotStyle;

namespace FashionCnn.Training;

/// <summary>The book's plots of a History: train vs validation loss (and accuracy) per epoch, the best epoch marked.</summary>
public static class TrainingCurves
{
    public static void SaveLoss(History history, string path, string? run = null) => PlotStyle.SavePng(Loss(history, run), path, 800, 500);

    public static void SaveAccuracy(History history, string path, string? run = null) => PlotStyle.SavePng(Accuracy(history, run), path, 800, 500);

    /// <summary>
    /// Which run the curves belong to, for their titles: "8-2-cnn, seed 42, in models". Every run writes loss.png into
    /// its model folder, and two of them side by side are told apart only by what they say they are.
    /// </summary>
    public static string RunLabel(string architecture, int seed, string modelDir) => $"{architecture}, seed {seed}, in {modelDir}";

    /// <summary>The loss curves, and the learning rate on the right axis when the run recorded one (a schedule or ReduceLROnPlateau).</summary>
    public static Plot Loss(History history, string? run = null)
    {
        var plot = Build(history, Titled("Loss per epoch", run), "loss", e => e.Loss, e => e.ValLoss);
        if (history.HasLearningRates) AddLearningRate(plot, history);
        return plot;
    }

    public static Plot Accuracy(History history, string? run = null) =>
        Build(history, Titled("Accuracy per epoch", run), "accuracy", e => e.Accuracy, e => e.ValAccuracy);

    private static string Titled(string what, string? run) => run is null ? what : $"{what} — {run}";

    /// <summary>The optimizer's rate at each epoch's end, dotted, on its own axis at the right: its scale is not the loss's.</summary>
    private static void AddLearningRate(Plot plot, History history)
    {
        var rated = history.Epochs.Where(e => e.LearningRate is double r && double.IsFinite(r)).ToList();
        var line = plot.Add.Scatter(rated.Select(e => (double)e.Epoch).ToArray(), rated.Select(e => e.LearningRate!.Value).ToArray());
        line.Axes.YAxis = plot.Axes.Right;
        line.LegendText = "learning rate (right axis)";
        line.LinePattern = LinePattern.Dotted;
        line.LineWidth = 2;
        line.MarkerSize = 5;
        plot.Axes.Right.Label.Text = "learning rate";
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(epochs.FirstOrDefault(1) - 0.5, epochs.LastOrDefault(1) + 0.5);
    }

    /// <summary>
    /// Both curves and a dashed line at the epoch the checkpoint keeps (the lowest val_loss, as ModelCheckpoint and
    /// EarlyStopping judge it), even for a one-epoch run. The legend sits below the axes, outside the data area,
    /// so it never hides a curve or the marker.
    /// </summary>
    private static Plot Build(History history, string title, string metric, Func<EpochRecord, double> train, Func<EpochRecord, double> validation)
    {
        var plot = PlotStyle.NewPlot();
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var left = new SortedSet<int>();
        foreach (var (values, legend) in new[] { (train, "train"), (validation, "val") })
        {
            // A diverged epoch's NaN or infinity has no place on an axis: the curve leaves it out and the title says so.
            var finite = history.Epochs.Where(e => double.IsFinite(values(e))).ToList();
            left.UnionWith(history.Epochs.Where(e => !double.IsFinite(values(e))).Select(e => e.Epoch));
            var line = plot.Add.Scatter(finite.Select(e => (double)e.Epoch).ToArray(), finite.Select(values).ToArray());
            line.LegendText = legend;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        if (left.Count > 0) title += $" (not a number at epoch {string.Join(", ", left)}, not drawn)";

        if (history.Epochs.Where(e => double.IsFinite(e.ValLoss)).MinBy(e => e.ValLoss) is { } best)
        {
            var marker = plot.Add.VerticalLine(best.Epoch);
            marker.LinePattern = LinePattern.Dashed;
            marker.Color = Colors.Gray;
            marker.LegendText = $"best val_loss (epoch {best.Epoch})";
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(metric);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(epochs.FirstOrDefault(1) - 0.5, epochs.LastOrDefault(1) + 0.5);
        return plot;
    }
}
