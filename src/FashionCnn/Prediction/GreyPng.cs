using SkiaSharp;

namespace FashionCnn.Prediction;

/// <summary>Writes a grey image pixel for pixel as a PNG (what the network saw, without any plotting around it).</summary>
public static class GreyPng
{
    public static void Save(byte[] pixels, int width, int height, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            System.Runtime.InteropServices.Marshal.Copy(pixels, y * width, bitmap.GetPixels() + y * bitmap.RowBytes, width);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Files.AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
