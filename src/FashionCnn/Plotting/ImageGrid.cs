using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>One picture of a grid: values in row-major order, a caption, and its own colour range if it has one.</summary>
public sealed record GridImage(float[] Values, int Height, int Width, string Caption = "", ScottPlot.Range? ColorRange = null);

/// <summary>
/// Pictures laid out in a grid, as the book's <c>plt.subplots</c> + <c>imshow</c> figures do: kernels,
/// feature maps, sample images. Drawn as one ScottPlot plot with a heatmap per cell, axes hidden.
/// </summary>
public static class ImageGrid
{
    private const double Gap = 0.08;

    /// <param name="sharedRange">One colour scale for every cell (with a colour bar); null lets each cell use its own min–max, as imshow does.</param>
    public static void Save(string path, string title, IReadOnlyList<GridImage> images, int columns, IColormap colormap,
        ScottPlot.Range? sharedRange = null, int cellPixels = 90)
    {
        var plot = PlotStyle.NewPlot();
        int rows = (images.Count + columns - 1) / columns;
        bool captions = images.Any(i => i.Caption.Length > 0);
        double captionHeight = captions ? 0.28 : 0;
        ScottPlot.Plottables.Heatmap? last = null;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            int row = i / columns, column = i % columns;
            double left = column * (1 + Gap), top = -row * (1 + Gap + captionHeight);
            var cells = new double[image.Height, image.Width];
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    cells[y, x] = FiniteValues.OrNaN(image.Values[y * image.Width + x]);
            var heatmap = plot.Add.Heatmap(cells);
            heatmap.Colormap = colormap;
            heatmap.Rectangle = new CoordinateRect(left, left + 1, top - 1, top); // the cells' outer edges
            // ScottPlot's own scale would span NaN: a cell with values that are not finite is scaled by its finite ones.
            var range = sharedRange ?? image.ColorRange ?? (image.Values.All(float.IsFinite) ? null : FiniteValues.Range(image.Values));
            if (range is { } r) heatmap.ManualRange = r;
            last = heatmap;
            if (image.Caption.Length > 0)
            {
                var caption = plot.Add.Text(image.Caption, left + 0.5, top + 0.02);
                caption.LabelFontSize = 11;
                caption.LabelAlignment = Alignment.LowerCenter;
            }
        }
        if (sharedRange is not null && last is not null) PlotStyle.AddColorBar(plot, last);

        plot.Title(title);
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Bottom, plot.Axes.Left, plot.Axes.Right, plot.Axes.Top })
            axis.IsVisible = false;
        plot.HideGrid();
        plot.Axes.SetLimits(-Gap, columns * (1 + Gap), -rows * (1 + Gap + captionHeight) + captionHeight, captionHeight + 0.05);
        int width = Math.Max(columns * cellPixels + (sharedRange is null ? 40 : 130), 400);
        int height = rows * (int)(cellPixels * (1 + captionHeight)) + 90;
        PlotStyle.SavePng(plot, path, width, height);
    }
}
