using SkiaSharp;

namespace FashionCnn.Tests.EndToEnd;

internal static class PngAssert
{
    /// <summary>The file is a PNG that decodes, of a sensible size, and shows more than a blank canvas.</summary>
    public static void DecodesAndIsNotBlank(string path, int minWidth = 300, int minHeight = 200)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.True(bitmap.Width >= minWidth && bitmap.Height >= minHeight, $"{Path.GetFileName(path)} is {bitmap.Width}×{bitmap.Height}");
        var colors = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3)
                colors.Add(bitmap.GetPixel(x, y));
        Assert.True(colors.Count > 20, $"{Path.GetFileName(path)} has only {colors.Count} colours: blank or nearly");
        int dark = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                if (bitmap.GetPixel(x, y).Red < 100) dark++;
        Assert.True(dark > 200, $"{Path.GetFileName(path)} has almost no dark pixels: no text or data drawn");
    }
}
