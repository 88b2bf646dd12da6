using FashionCnn.Plotting;
using FashionCnn.Training;
using SkiaSharp;

namespace FashionCnn.Tests.Plotting;

/// <summary>What a person sees: titles inside the picture, the best epoch always marked, nothing hidden under the legend.</summary>
public class PlotLayoutTests
{
    /// <summary>Whether any pixel of the top <paramref name="rows"/> rows in the outermost <paramref name="columns"/> columns is not white.</summary>
    private static bool InkAtTheSides(string png, int rows, int columns)
    {
        using var bitmap = SKBitmap.Decode(png);
        for (int y = 0; y < rows; y++)
            for (int dx = 0; dx < columns; dx++)
                foreach (int x in new[] { dx, bitmap.Width - 1 - dx })
                {
                    var c = bitmap.GetPixel(x, y);
                    if (c.Red < 200 || c.Green < 200 || c.Blue < 200) return true;
                }
        return false;
    }

    [Fact]
    public void A_long_title_with_a_deep_model_path_stays_inside_the_picture()
    {
        // The longest title visualize writes, with a model in a deeply nested folder and a long file name.
        using var temp = new TempFolder();
        string model = "/home/learner/projects/hongong-ml-dl/chapter-08-convolutional-networks/notebooks/checkpoints/best-cnn-model-dropout-0.4-adam-epoch-09.h5";
        string title = $"conv2d_1 (Conv2D) weights, untrained (glorot uniform, seed 42): mean -0.0002, std 0.0482 — {Path.GetFileName(model)} in {Path.GetDirectoryName(model)}";
        string png = temp.File("h.png");

        Histogram.Save([-0.5f, 0.1f, 0.2f, 0.4f], png, title);

        Assert.False(InkAtTheSides(png, rows: 80, columns: PlotStyle.TitleMargin / 2), "the title reaches the picture's edge");
        FashionCnn.Tests.EndToEnd.PngAssert.DecodesAndIsNotBlank(png);
    }

    [Fact]
    public void A_title_that_just_fits_the_width_is_not_cut_by_the_axis_on_its_left()
    {
        // conv2d_1's histogram of the default model: one line a little narrower than the picture, which the y axis'
        // labels would push off the right edge if the title were centred over the data area rather than the picture.
        using var temp = new TempFolder();
        var plot = PlotStyle.NewPlot();
        plot.Title("x");
        using var paint = ScottPlot.Paint.NewDisposablePaint();
        string title = "conv2d_1 (Conv2D) weights, trained: mean -0.0349, std 0.1448 — best-cnn-model";
        while (plot.Axes.Title.Label.Measure(title + "-x", paint).Width <= 800 - 2 * PlotStyle.TitleMargin) title += "-x";
        string png = temp.File("h.png");

        Histogram.Save([-0.5f, 0.1f, 0.2f, 0.4f], png, title);

        Assert.False(InkAtTheSides(png, rows: 40, columns: PlotStyle.TitleMargin / 2), "the title reaches the picture's edge");
    }

    [Fact]
    public void The_curves_titles_name_the_model_the_seed_and_the_folder_of_the_run()
    {
        var history = new History();
        history.Add(new EpochRecord(1, 0.6, 0.8, 0.5, 0.82, 10));
        string run = TrainingCurves.RunLabel("7-3-dropout", 7, "runs/dropout");

        string loss = TrainingCurves.Loss(history, run).Axes.Title.Label.Text;
        string accuracy = TrainingCurves.Accuracy(history, run).Axes.Title.Label.Text;

        Assert.Equal("Loss per epoch — 7-3-dropout, seed 7, in runs/dropout", loss);
        Assert.Equal("Accuracy per epoch — 7-3-dropout, seed 7, in runs/dropout", accuracy);
    }

    [Fact]
    public void A_one_epoch_run_still_marks_its_best_epoch()
    {
        var history = new History();
        history.Add(new EpochRecord(1, 0.6, 0.8, 0.5, 0.82, 10));

        var plot = TrainingCurves.Loss(history);

        var marker = plot.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>().Single();
        Assert.Equal(1, marker.X);
    }

    [Fact]
    public void A_recorded_learning_rate_is_drawn_on_the_right_axis_of_the_loss_plot_and_only_then()
    {
        var constant = new History();
        var scheduled = new History();
        for (int e = 1; e <= 3; e++)
        {
            constant.Add(new EpochRecord(e, 1.0 / e, 0.5, 1.0 / e, 0.5, 10));
            scheduled.Add(new EpochRecord(e, 1.0 / e, 0.5, 1.0 / e, 0.5, 10, 0.001 / e));
        }

        var rate = TrainingCurves.Loss(scheduled).GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .Single(s => s.Axes.YAxis is ScottPlot.AxisPanels.RightAxis);
        Assert.Equal([0.001, 0.0005, 0.001 / 3], rate.Data.GetScatterPoints().Select(p => p.Y).ToArray());
        Assert.Equal(2, TrainingCurves.Loss(constant).GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count());
        Assert.DoesNotContain(TrainingCurves.Accuracy(scheduled).GetPlottables().OfType<ScottPlot.Plottables.Scatter>(),
            s => s.Axes.YAxis is ScottPlot.AxisPanels.RightAxis);
    }

    [Fact]
    public void The_legend_stands_outside_the_data_area()
    {
        var history = new History();
        for (int e = 1; e <= 10; e++) history.Add(new EpochRecord(e, 1.0 / e, 0.5 + e / 30.0, 1.0 / e + 0.05 * (e > 8 ? e - 8 : 0), 0.5 + e / 31.0, 10));

        var plot = TrainingCurves.Accuracy(history);

        Assert.False(plot.Legend.IsVisible); // the in-plot legend box, which covered the curves and the marker
        Assert.Contains(plot.Axes.GetPanels(), panel => panel is ScottPlot.Panels.LegendPanel);
    }

    [Fact]
    public void A_tall_colour_bar_keeps_a_handful_of_labelled_ticks()
    {
        // The dense layer's "weights as images" picture is 1,490 pixels tall; with ScottPlot's default density
        // its bar over ±0.15 was labelled every 0.005 (61 labels).
        var plot = PlotStyle.NewPlot();
        var heatmap = plot.Add.Heatmap(new double[,] { { -0.15, 0.0 }, { 0.07, 0.15 } });
        var bar = PlotStyle.AddColorBar(plot, heatmap);

        plot.GetImage(1230, 1490);

        int labelled = bar.Axis.TickGenerator.Ticks.Count(t => t.IsMajor && t.Label.Length > 0);
        Assert.InRange(labelled, 2, 7);
    }
}
