using FashionCnn.Data;
using FashionCnn.Plotting;
using SkiaSharp;

namespace FashionCnn.Tests.Plotting;

/// <summary>What the explanation picture says about its maps, and that a person can see them.</summary>
public class ExplanationGridTests
{
    private static readonly ImageShape Grey = ImageShape.FashionMnist;

    private static ExplanationCell Cell(float mapValue, string caption) =>
        new(Enumerable.Repeat((byte)128, 28 * 28).ToArray(), Grey, Enumerable.Repeat(mapValue, 28 * 28).ToArray(), caption);

    private static string[] Texts(ScottPlot.Plot plot) =>
        plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToArray();

    [Fact]
    public void A_map_that_is_all_zero_is_labelled_so_and_only_that_one()
    {
        var (plot, _, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(0f, "a"), Cell(0.5f, "b"), Cell(0f, "c")]);

        Assert.Equal(2, Texts(plot).Count(t => t == "all zero"));
    }

    [Fact]
    public void A_single_image_with_an_all_zero_map_is_labelled_too()
    {
        var (zero, _, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(0f, "a")]);
        var (some, _, _, _) = ExplanationGrid.Draw("t", "Grad-CAM", [Cell(1f, "a")]);

        Assert.Contains("all zero", Texts(zero));
        Assert.DoesNotContain("all zero", Texts(some));
    }

    [Theory]
    [InlineData(10, 30, 1)]
    [InlineData(10, 30, 3)]
    [InlineData(40, 20, 2)]
    public void Images_maps_and_overlays_keep_the_images_proportions(int height, int width, int count)
    {
        var shape = new ImageShape(height, width, 1);
        var cells = Enumerable.Range(0, count).Select(i => new ExplanationCell(new byte[height * width], shape, new float[height * width], $"{i}")).ToList();

        var (plot, _, _, _) = ExplanationGrid.Draw("t", "saliency", cells);

        var rectangles = plot.GetPlottables().OfType<ScottPlot.Plottables.ImageRect>().Select(p => p.Rect)
            .Concat(plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>().Select(h => h.GetAxisLimits())
                .Select(l => new ScottPlot.CoordinateRect(l.Left, l.Right, l.Bottom, l.Top))).ToList();
        Assert.Equal(3 * count, rectangles.Count);
        Assert.All(rectangles, r => Assert.Equal(width / (double)height, r.Width / r.Height, 9));
        Assert.All(rectangles, r => Assert.Equal(1, r.Width, 9)); // a cell's width, which its caption needs
    }

    /// <summary>WCAG 2's contrast ratio of two sRGB colours: (L1 + 0.05) / (L2 + 0.05) of their relative luminances, 1 to 21.</summary>
    private static double Contrast(SKColor a, SKColor b)
    {
        static double Luminance(SKColor c) => 0.2126 * Linear(c.Red) + 0.7152 * Linear(c.Green) + 0.0722 * Linear(c.Blue);
        double x = Luminance(a), y = Luminance(b);
        return (Math.Max(x, y) + 0.05) / (Math.Min(x, y) + 0.05);
    }

    private static double Linear(byte c) => c / 255.0 <= 0.04045 ? c / 255.0 / 12.92 : Math.Pow((c / 255.0 + 0.055) / 1.055, 2.4);

    /// <summary>CIE 1976 ΔE*ab between two sRGB colours (D65 white): about 2.3 is the smallest difference a person notices.</summary>
    private static double DeltaE(SKColor a, SKColor b)
    {
        static (double L, double A, double B) Lab(SKColor c)
        {
            double r = Linear(c.Red), g = Linear(c.Green), bl = Linear(c.Blue);
            double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * bl, z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
            static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (24389.0 / 27 * t + 16) / 116;
            return (116 * F(y) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z)));
        }
        var (l1, a1, b1) = Lab(a);
        var (l2, a2, b2) = Lab(b);
        return Math.Sqrt((l1 - l2) * (l1 - l2) + (a1 - a2) * (a1 - a2) + (b1 - b2) * (b1 - b2));
    }

    /// <summary>
    /// The overlay as drawn in the PNG: a garment at full darkness (255) in the left half on the background (0), and a map
    /// of 1, 0.5, 0.25 and 0 in four bands from the top. Each pixel is read at its cell's centre in the saved picture.
    /// </summary>
    [Fact]
    public void The_overlay_shows_every_level_of_the_map_on_the_darkest_garment_and_the_garment_where_the_map_is_zero()
    {
        using var temp = new TempFolder();
        var pixels = new byte[28 * 28];
        var map = new float[28 * 28];
        float[] bands = [1f, 0.5f, 0.25f, 0f];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                pixels[y * 28 + x] = x < 14 ? (byte)255 : (byte)0;
                map[y * 28 + x] = bands[y / 7];
            }
        var (plot, width, height, pictures) = ExplanationGrid.Draw("dark garment", "Grad-CAM", [new ExplanationCell(pixels, Grey, map, "a")]);
        string png = temp.File("overlay.png");
        PlotStyle.SavePng(plot, png, width, height);
        var overlay = plot.GetPlottables().OfType<ScottPlot.Plottables.ImageRect>().Last().Rect; // image, then overlay
        using var bitmap = SKBitmap.Decode(png);
        SKColor At(int x, int y)
        {
            var pixel = plot.GetPixel(new ScottPlot.Coordinates(
                overlay.Left + (x + 0.5) / 28 * overlay.Width, overlay.Top - (y + 0.5) / 28 * overlay.Height));
            return bitmap.GetPixel((int)pixel.X, (int)pixel.Y);
        }
        foreach (var picture in pictures) picture.Dispose();

        var garment = At(5, 24);
        var background = At(22, 24);
        Assert.True(Contrast(garment, background) >= 2, $"the garment {garment} does not stand out from the background {background} where the map is 0");
        // The map's largest values (Turbo's dark red) stand out from the garment as text does from a page (WCAG's 3:1 for graphics).
        Assert.True(Contrast(At(5, 3), garment) >= 3, $"map 1 on the garment {At(5, 3)} against the garment alone {garment}");
        // Lower values differ from what is under them clearly: ΔE ≥ 15, over six times the smallest difference a person notices.
        foreach (int y in new[] { 10, 17 })
            Assert.True(DeltaE(At(5, y), garment) >= 15, $"map {bands[y / 7]} on the garment {At(5, y)} is too close to the garment alone {garment}");
        foreach (int y in new[] { 3, 10, 17 })
            Assert.True(DeltaE(At(22, y), background) >= 15, $"map {bands[y / 7]} on the background {At(22, y)} is too close to the background {background}");
    }

    [Fact]
    public void A_colour_image_is_drawn_in_its_own_colours_and_faded_towards_white_under_the_overlay()
    {
        var shape = new ImageShape(2, 2, 3);
        byte[] rgb = [200, 30, 40, 0, 0, 0, 255, 255, 255, 10, 120, 250];
        var cell = new ExplanationCell(rgb, shape, new float[4], "c");

        Assert.Equal(rgb, ExplanationGrid.ImageColours(cell, shade: 1));
        byte[] faded = ExplanationGrid.OverlayColours(cell);
        for (int i = 0; i < rgb.Length; i++)
            Assert.Equal(Math.Round(255 - ExplanationGrid.OverlayImageShade * (255 - rgb[i])), faded[i]);
    }
}
