using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>One explained image: its grey pixels (0–255), its map on the same grid scaled to 0–1, and a caption.</summary>
public sealed record ExplanationCell(float[] Pixels, float[] Map, string Caption);

/// <summary>
/// Explanations as one picture: for each image the image itself, its map and the map laid over the image, on one
/// shared colour scale with a colour bar. One image is drawn as a row of three; several as columns of three
/// (image over map over overlay), up to <see cref="MaxColumns"/> to a row.
/// </summary>
public static class ExplanationGrid
{
    public const int MaxColumns = 10;

    private const double Gap = 0.08, LabelWidth = 0.75;
    private const int CellPixels = 125, SingleCellPixels = 200, CaptionLinePixels = 15, Margin = 10, ColorBarPixels = 170;

    /// <summary>
    /// How strongly the map covers the image in the overlay where it is 1 (0 transparent, 1 opaque); the cover fades
    /// with the map, so the garment shows through where the network did not look.
    /// </summary>
    private const double OverlayOpacity = 0.75;

    public static void Save(string path, string title, string mapName, IReadOnlyList<ExplanationCell> images, int side = 28)
    {
        var (plot, width, height) = Draw(title, mapName, images, side);
        PlotStyle.SavePng(plot, path, width, height);
    }

    /// <summary>The picture <see cref="Save"/> writes, with its size in pixels.</summary>
    public static (Plot Plot, int Width, int Height) Draw(string title, string mapName, IReadOnlyList<ExplanationCell> images, int side = 28)
    {
        var plot = PlotStyle.NewPlot();
        bool single = images.Count == 1;
        int cellPixels = single ? SingleCellPixels : CellPixels;
        int blocks = Math.Max(1, (images.Count + MaxColumns - 1) / MaxColumns);
        int columns = single ? 3 : images.Count == 0 ? 1 : (images.Count + blocks - 1) / blocks; // balanced rows: 12 images are 6 + 6
        int lines = single ? 1 : images.Select(i => i.Caption.Split('\n').Length).DefaultIfEmpty(0).Max();
        double caption = lines * CaptionLinePixels / (double)cellPixels + 0.04;
        double blockHeight = single ? caption + 1 : caption + 3 + 2 * Gap;
        string[] rowNames = ["image", mapName, "overlay"];
        ScottPlot.Plottables.Heatmap? scale = null;

        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            int block = single ? 0 : i / columns, column = single ? 0 : i % columns;
            double blockTop = -block * (blockHeight + 2 * Gap);
            for (int part = 0; part < 3; part++)
            {
                double cellLeft = (single ? part : column) * (1 + Gap);
                double cellTop = blockTop - caption - (single ? 0 : part * (1 + Gap));
                var rectangle = new CoordinateRect(cellLeft, cellLeft + 1, cellTop - 1, cellTop);
                if (part != 1) AddHeatmap(plot, image.Pixels, side, rectangle, new ScottPlot.Colormaps.GrayscaleReversed(), new ScottPlot.Range(0, 255), overlay: false);
                if (part != 0)
                {
                    var map = AddHeatmap(plot, image.Map, side, rectangle, new ScottPlot.Colormaps.Turbo(), new ScottPlot.Range(0, 1), overlay: part == 2);
                    if (part == 1) scale = map;
                    // A map with nothing above zero (Grad-CAM's ReLU of a class the layer argues against) is one flat colour:
                    // say so, as the feature maps do, rather than leave a blank square to puzzle over.
                    if (part == 1 && image.Map.All(v => v == 0))
                        AddText(plot, "all zero", cellLeft + 0.5, cellTop - 0.5, Alignment.MiddleCenter, single ? 14 : 11, Colors.White);
                }
                if (single) AddText(plot, rowNames[part], cellLeft + 0.5, cellTop + 0.02, Alignment.LowerCenter);
                else if (column == 0) AddText(plot, rowNames[part], -0.06, cellTop - 0.5, Alignment.MiddleRight);
            }
            if (!single) AddText(plot, image.Caption, column * (1 + Gap) + 0.5, blockTop - caption + 0.02, Alignment.LowerCenter, fontSize: 10);
        }
        if (scale is not null)
        {
            var bar = plot.Add.ColorBar(scale);
            bar.Label = "each map ÷ its maximum";
            bar.Axis.SetTicks([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"]);
        }

        plot.Title(title);
        double left = single ? -Gap : -LabelWidth, right = columns * (1 + Gap) + Gap;
        double bottom = -blocks * (blockHeight + 2 * Gap) + 2 * Gap;
        var (width, height) = Square(plot, left, right, bottom, top: 0.02, cellPixels);
        return (plot, width, height);
    }

    /// <summary>
    /// Fixed margins and the picture's size, so that every cell is square: the data area is exactly <paramref name="cellPixels"/>
    /// per unit both ways, with room above for the title (fitted to the data area's width, narrower than the picture)
    /// and on the right for the colour bar.
    /// </summary>
    private static (int Width, int Height) Square(Plot plot, double left, double right, double bottom, double top, int cellPixels)
    {
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left, plot.Axes.Right, plot.Axes.Top })
            axis.IsVisible = false;
        plot.HideGrid();
        plot.Axes.SetLimits(left, right, bottom, top);
        int dataWidth = (int)Math.Round((right - left) * cellPixels), dataHeight = (int)Math.Round((top - bottom) * cellPixels);
        int width = dataWidth + Margin + ColorBarPixels;
        PlotStyle.FitTitle(plot.Axes.Title.Label, dataWidth);
        int titleLines = plot.Axes.Title.Label.Text.Split('\n').Length;
        int titlePixels = (int)Math.Ceiling(titleLines * plot.Axes.Title.Label.FontSize * 1.3) + 2 * Margin;
        plot.Layout.Fixed(new PixelPadding(Margin, ColorBarPixels, Margin, titlePixels));
        return (width, dataHeight + titlePixels + Margin);
    }

    private static ScottPlot.Plottables.Heatmap AddHeatmap(Plot plot, float[] values, int side, CoordinateRect rectangle,
        IColormap colormap, ScottPlot.Range range, bool overlay)
    {
        var cells = new double[side, side];
        var alpha = new byte[side, side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                cells[y, x] = values[y * side + x];
                alpha[y, x] = (byte)Math.Round(255 * OverlayOpacity * Math.Clamp(values[y * side + x], 0, 1));
            }
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = colormap;
        heatmap.Rectangle = rectangle;
        heatmap.ManualRange = range;
        if (overlay) heatmap.AlphaMap = alpha;
        return heatmap;
    }

    private static void AddText(Plot plot, string text, double x, double y, Alignment alignment, float fontSize = 11, Color? color = null)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = fontSize;
        label.LabelAlignment = alignment;
        if (color is { } c) label.LabelFontColor = c;
    }
}
