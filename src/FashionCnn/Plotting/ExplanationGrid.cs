using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>
/// One explained image: its pixels as the model takes them ((H, W, C) bytes, grey or RGB), its map on the same H × W grid
/// scaled to 0–1, and a caption.
/// </summary>
public sealed record ExplanationCell(byte[] Pixels, Data.ImageShape Shape, float[] Map, string Caption)
{
    public ExplanationCell Checked() =>
        Pixels.Length == Shape.Values && Map.Length == Shape.Height * Shape.Width
            ? this
            : throw new ArgumentException($"{Pixels.Length} pixel bytes and {Map.Length} map values do not make a {Shape} image and its map");
}

/// <summary>
/// Explanations as one picture: for each image the image itself, its map and the map laid over the image, on one
/// shared colour scale with a colour bar. One image is drawn as a row of three; several as columns of three
/// (image over map over overlay), up to <see cref="MaxColumns"/> to a row.
/// </summary>
public static class ExplanationGrid
{
    public const int MaxColumns = 10;

    private const double Gap = 0.08, LabelWidth = 0.75, MinCellHeight = 0.25, MaxCellHeight = 3;
    private const int CellPixels = 125, SingleCellPixels = 200, CaptionLinePixels = 15, Margin = 10, ColorBarPixels = 170;

    /// <summary>
    /// How strongly the map covers the image in the overlay where it is 1 (0 transparent, 1 opaque); the cover fades
    /// with the square root of the map, so the garment shows through where the network did not look and a value of
    /// 0.5 still covers it by half (linear opacity left a mid-scale green 37 % opaque, too faint on a grey garment).
    /// </summary>
    public const double OverlayOpacity = 0.75;

    /// <summary>
    /// How much of its darkness the image keeps under the overlay. Turbo's top end is a dark red and its bottom a dark
    /// blue, which vanished on a garment drawn black; faded to at most this share of black (the darkest garment is a light
    /// grey, 255 − 0.35 · 255 = 166) every colour of the map stands out from it, and the garment still from the white.
    /// </summary>
    public const double OverlayImageShade = 0.35;

    public static void Save(string path, string title, string mapName, IReadOnlyList<ExplanationCell> images)
    {
        var (plot, width, height, pictures) = Draw(title, mapName, images);
        PlotStyle.SavePng(plot, path, width, height);
        foreach (var picture in pictures) picture.Dispose();
    }

    /// <summary>The picture <see cref="Save"/> writes, its size in pixels, and the colour pictures it holds (to dispose of after rendering).</summary>
    public static (Plot Plot, int Width, int Height, IReadOnlyList<ScottPlot.Image> Pictures) Draw(string title, string mapName, IReadOnlyList<ExplanationCell> images)
    {
        var pictures = new List<ScottPlot.Image>();
        var plot = PlotStyle.NewPlot();
        bool single = images.Count == 1;
        int cellPixels = single ? SingleCellPixels : CellPixels;
        int blocks = Math.Max(1, (images.Count + MaxColumns - 1) / MaxColumns);
        int columns = single ? 3 : images.Count == 0 ? 1 : (images.Count + blocks - 1) / blocks; // balanced rows: 12 images are 6 + 6
        int lines = single ? 1 : images.Select(i => i.Caption.Split('\n').Length).DefaultIfEmpty(0).Max();
        double caption = lines * CaptionLinePixels / (double)cellPixels + 0.04;
        // A cell is one unit wide (room for its caption) and as tall as the images are for that width, within reason.
        double cellHeight = images.Count == 0 ? 1 : Math.Clamp(images[0].Shape.Height / (double)images[0].Shape.Width, MinCellHeight, MaxCellHeight);
        double blockHeight = single ? caption + cellHeight : caption + 3 * cellHeight + 2 * Gap;
        string[] rowNames = ["image", mapName, "overlay"];
        ScottPlot.Plottables.Heatmap? scale = null;

        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i].Checked();
            int block = single ? 0 : i / columns, column = single ? 0 : i % columns;
            double blockTop = -block * (blockHeight + 2 * Gap);
            for (int part = 0; part < 3; part++)
            {
                double cellLeft = (single ? part : column) * (1 + Gap);
                double cellTop = blockTop - caption - (single ? 0 : part * (cellHeight + Gap));
                var rectangle = Fitted(new CoordinateRect(cellLeft, cellLeft + 1, cellTop - cellHeight, cellTop), image.Shape);
                if (part == 0) pictures.Add(ImageGrid.AddColourPicture(plot, ImageColours(image, shade: 1), image.Shape.Height, image.Shape.Width, rectangle));
                else if (part == 2) pictures.Add(ImageGrid.AddColourPicture(plot, OverlayColours(image), image.Shape.Height, image.Shape.Width, rectangle));
                else
                {
                    scale = AddHeatmap(plot, image.Map, image.Shape, rectangle);
                    // A map with nothing above zero (Grad-CAM's ReLU of a class the layer argues against) is one flat colour:
                    // say so, as the feature maps do, rather than leave a blank square to puzzle over.
                    if (part == 1 && image.Map.All(v => v == 0))
                        AddText(plot, "all zero", cellLeft + 0.5, cellTop - cellHeight / 2, Alignment.MiddleCenter, single ? 14 : 11, Colors.White);
                }
                if (single) AddText(plot, rowNames[part], cellLeft + 0.5, cellTop + 0.02, Alignment.LowerCenter);
                else if (column == 0) AddText(plot, rowNames[part], -0.06, cellTop - cellHeight / 2, Alignment.MiddleRight);
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
        return (plot, width, height, pictures);
    }

    /// <summary>
    /// The image as the book draws it (imshow with gray_r: 0 white, 255 black) or in its own colours, each channel
    /// moved towards white to <paramref name="shade"/> of its distance from it; (H, W, 3) bytes.
    /// </summary>
    public static byte[] ImageColours(ExplanationCell image, double shade)
    {
        var shape = image.Shape;
        var rgb = new byte[shape.Height * shape.Width * 3];
        for (int p = 0; p < shape.Height * shape.Width; p++)
            for (int c = 0; c < 3; c++)
            {
                double darkness = shape.Channels == 3 ? 255 - image.Pixels[p * 3 + c] : image.Pixels[p];
                rgb[p * 3 + c] = (byte)Math.Round(255 - shade * darkness);
            }
        return rgb;
    }

    /// <summary>
    /// The overlay's pixels: the image faded to <see cref="OverlayImageShade"/>, covered by the map's Turbo colour with an
    /// opacity of <see cref="OverlayOpacity"/> × √(the map's value); (H, W, 3) bytes.
    /// </summary>
    public static byte[] OverlayColours(ExplanationCell image)
    {
        var rgb = ImageColours(image, OverlayImageShade);
        var turbo = new ScottPlot.Colormaps.Turbo();
        for (int p = 0; p < image.Map.Length; p++)
        {
            double value = Math.Clamp(image.Map[p], 0, 1);
            if (!(value > 0)) continue;
            var colour = turbo.GetColor(value);
            double alpha = OverlayOpacity * Math.Sqrt(value);
            byte[] cover = [colour.R, colour.G, colour.B];
            for (int c = 0; c < 3; c++)
                rgb[p * 3 + c] = (byte)Math.Round((1 - alpha) * rgb[p * 3 + c] + alpha * cover[c]);
        }
        return rgb;
    }

    /// <summary>
    /// Fixed margins and the picture's size, so that the images' pixels are square: the data area is exactly <paramref name="cellPixels"/>
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

    /// <summary>The image in its own proportions, as large as fits in its cell, centred.</summary>
    private static CoordinateRect Fitted(CoordinateRect cell, Data.ImageShape shape)
    {
        double scale = Math.Min(cell.Width / shape.Width, cell.Height / shape.Height);
        double width = shape.Width * scale, height = shape.Height * scale;
        double centreX = (cell.Left + cell.Right) / 2, centreY = (cell.Bottom + cell.Top) / 2;
        return new CoordinateRect(centreX - width / 2, centreX + width / 2, centreY - height / 2, centreY + height / 2);
    }

    /// <summary>The map on Turbo's scale from 0 to 1, one cell a pixel.</summary>
    private static ScottPlot.Plottables.Heatmap AddHeatmap(Plot plot, float[] map, Data.ImageShape shape, CoordinateRect rectangle)
    {
        var cells = new double[shape.Height, shape.Width];
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
                cells[y, x] = map[y * shape.Width + x];
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
        heatmap.Rectangle = rectangle;
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
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
