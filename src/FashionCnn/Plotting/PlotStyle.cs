using ScottPlot;

namespace FashionCnn.Plotting;

/// <summary>
/// What every PNG of this tool shares: the bundled DejaVu Sans font (ScottPlot silently draws no text on
/// a machine without system fonts, such as a bare CI container), a title that fits the picture, and the atomic save.
/// </summary>
public static class PlotStyle
{
    // A family name of our own, so the bundled file is used even where a system font of the same name differs.
    public const string FontName = "DejaVu Sans (fashioncnn)";

    /// <summary>Pixels kept free on each side of a title line.</summary>
    public const int TitleMargin = 12;

    private const float SmallestTitleFont = 9;

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

    /// <summary>
    /// A colour bar for <paramref name="source"/> with a handful of ticks, however tall the picture: ScottPlot's
    /// default density put a tick every 0.05 (or 0.005) along a tall bar, too crowded to read.
    /// </summary>
    public static ScottPlot.Panels.ColorBar AddColorBar(Plot plot, IHasColorAxis source)
    {
        var bar = plot.Add.ColorBar(source);
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { MaxTickCount = 7, TickDensity = 0.5 };
        return bar;
    }

    /// <summary>Renders <paramref name="plot"/> to a PNG at <paramref name="path"/>, atomically, its title fitted to <paramref name="width"/>.</summary>
    public static void SavePng(Plot plot, string path, int width, int height)
    {
        // ScottPlot centres a title over the data area, which the y axis' labels push right: a title that fits the
        // picture's width lost its last letters at the right edge. Centred over the picture, the fitted width holds.
        plot.Axes.Title.FullFigureCenter = true;
        FitTitle(plot.Axes.Title.Label, width);
        byte[] png = plot.GetImage(width, height).GetImageBytes(ImageFormat.Png, 100);
        Files.AtomicFile.WriteAllBytes(path, png);
    }

    /// <summary>
    /// Wraps a title at spaces so every line fits the picture's width, and makes the font smaller only when a
    /// single word (a long file name) is wider than the picture on its own.
    /// </summary>
    public static void FitTitle(LabelStyle title, int width)
    {
        if (string.IsNullOrEmpty(title.Text)) return;
        float available = width - 2 * TitleMargin;
        using var paint = Paint.NewDisposablePaint();
        string original = title.Text;
        while (true)
        {
            var lines = Wrap(original, line => title.Measure(line, paint).Width, available);
            if (lines.All(line => title.Measure(line, paint).Width <= available) || title.FontSize <= SmallestTitleFont)
            {
                title.Text = string.Join('\n', lines);
                return;
            }
            title.FontSize -= 1;
        }
    }

    private static List<string> Wrap(string text, Func<string, float> measure, float available)
    {
        var lines = new List<string>();
        foreach (string paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (string word in paragraph.Split(' '))
            {
                string candidate = line.Length == 0 ? word : $"{line} {word}";
                if (line.Length > 0 && measure(candidate) > available)
                {
                    lines.Add(line);
                    line = word;
                }
                else line = candidate;
            }
            lines.Add(line);
        }
        return lines;
    }
}
