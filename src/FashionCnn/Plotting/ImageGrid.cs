using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>One picture of a grid: values in row-major order, a caption, and its own colour range if it has one.</summary>
public sealed record GridImage(float[] Values, int Height, int Width, string Caption = "", ScottPlot.Range? ColorRange = null)
{
    /// <summary>A colour picture's own red, green and blue bytes in (H, W, C) order, drawn as they are instead of through a colour map; null for values.</summary>
    public byte[]? Rgb { get; init; }

    /// <summary>A colour picture: <paramref name="rgb"/> holds <paramref name="height"/> × <paramref name="width"/> pixels of three bytes each.</summary>
    public static GridImage Colour(byte[] rgb, int height, int width, string caption = "") =>
        rgb.Length == height * width * 3
            ? new GridImage([], height, width, caption) { Rgb = rgb }
            : throw new ArgumentException($"{rgb.Length} bytes are not {height}×{width} RGB pixels", nameof(rgb));
}

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
        var pictures = new List<ScottPlot.Image>();
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            int row = i / columns, column = i % columns;
            double left = column * (1 + Gap), top = -row * (1 + Gap + captionHeight);
            AddCaption(plot, image, left, top);
            if (image.Rgb is { } rgb)
            {
                pictures.Add(AddColourPicture(plot, rgb, image.Height, image.Width, new CoordinateRect(left, left + 1, top - 1, top)));
                continue;
            }
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
        foreach (var picture in pictures) picture.Dispose();
    }

    private static void AddCaption(Plot plot, GridImage image, double left, double top)
    {
        if (image.Caption.Length == 0) return;
        var caption = plot.Add.Text(image.Caption, left + 0.5, top + 0.02);
        caption.LabelFontSize = 11;
        caption.LabelAlignment = Alignment.LowerCenter;
    }

    /// <summary>The pixels as they are, each a sharp square as a heatmap's cells are (no smoothing between pixels).</summary>
    internal static ScottPlot.Image AddColourPicture(Plot plot, byte[] rgb, int height, int width, CoordinateRect rect)
    {
        var pixels = new byte[height, width, 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    pixels[y, x, c] = rgb[(y * width + x) * 3 + c];
        var picture = new ScottPlot.Image(pixels);
        plot.Add.ImageRect(picture, rect).AntiAlias = false;
        return picture;
    }
}
