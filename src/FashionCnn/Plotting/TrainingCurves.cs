using FashionCnn.Training;

namespace FashionCnn.Plotting;

/// <summary>The book's plots of a History: train vs validation loss (and accuracy) per epoch.</summary>
public static class TrainingCurves
{
    public static void SaveLoss(History history, string path) =>
        Save(history, path, "Loss per epoch", "loss", e => e.Loss, e => e.ValLoss, ScottPlot.Alignment.UpperRight);

    public static void SaveAccuracy(History history, string path) =>
        Save(history, path, "Accuracy per epoch", "accuracy", e => e.Accuracy, e => e.ValAccuracy, ScottPlot.Alignment.LowerRight);

    private static void Save(History history, string path, string title, string metric,
        Func<EpochRecord, double> train, Func<EpochRecord, double> validation, ScottPlot.Alignment legend)
    {
        var plot = PlotStyle.NewPlot();
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var trainLine = plot.Add.Scatter(epochs, history.Epochs.Select(train).ToArray());
        trainLine.LegendText = "train";
        trainLine.LineWidth = 2;
        trainLine.MarkerSize = 7;
        var valLine = plot.Add.Scatter(epochs, history.Epochs.Select(validation).ToArray());
        valLine.LegendText = "val";
        valLine.LineWidth = 2;
        valLine.MarkerSize = 7;

        // The epoch the checkpoint keeps: the lowest val_loss, as ModelCheckpoint and EarlyStopping judge it.
        var best = history.Epochs.MinBy(e => e.ValLoss);
        if (best is not null && epochs.Length > 1)
        {
            var marker = plot.Add.VerticalLine(best.Epoch);
            marker.LinePattern = ScottPlot.LinePattern.Dashed;
            marker.Color = ScottPlot.Colors.Gray;
            marker.LegendText = $"best val_loss (epoch {best.Epoch})";
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(metric);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(legend);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0.5, epochs.Length + 0.5);
        PlotStyle.SavePng(plot, path, 800, 500);
    }
}
