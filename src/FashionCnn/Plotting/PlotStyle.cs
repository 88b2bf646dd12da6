using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>
/// What every PNG of this tool shares: the bundled DejaVu Sans font (ScottPlot silently draws no text on
/// a machine without system fonts, such as a bare CI container), sizes, and the atomic save.
/// </summary>
public static class PlotStyle
{
    // A family name of our own, so the bundled file is used even where a system font of the same name differs.
    public const string FontName = "DejaVu Sans (fashioncnn)";

    private static readonly Lazy<bool> FontsRegistered = new(() =>
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "fonts");
        Fonts.AddFontFile(FontName, Path.Combine(folder, "DejaVuSans.ttf"), bold: false, italic: false);
        Fonts.AddFontFile(FontName, Path.Combine(folder, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
        Fonts.Default = FontName;
        return true;
    });

    /// <summary>A new plot whose every label uses the bundled font.</summary>
    public static Plot NewPlot()
    {
        _ = FontsRegistered.Value;
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    /// <summary>Renders <paramref name="plot"/> to a PNG at <paramref name="path"/>, atomically.</summary>
    public static void SavePng(Plot plot, string path, int width, int height)
    {
        byte[] png = plot.GetImage(width, height).GetImageBytes(ImageFormat.Png, 100);
        Checkpoints.AtomicFile.WriteAllBytes(path, png);
    }
}
