using SkiaSharp;

namespace FashionCnn.Prediction;

/// <summary>Writes a grey image pixel for pixel as a PNG (what the network saw, without any plotting around it).</summary>
public static class GreyPng
{
    /// <summary>A grey or RGB image held (H, W, C), pixel for pixel.</summary>
    public static void Save(byte[] pixels, Data.ImageShape shape, string path)
    {
        if (shape.Channels == 1)
        {
            Save(pixels, shape.Width, shape.Height, path);
            return;
        }
        using var bitmap = new SKBitmap(new SKImageInfo(shape.Width, shape.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                int p = (y * shape.Width + x) * 3;
                bitmap.SetPixel(x, y, new SKColor(pixels[p], pixels[p + 1], pixels[p + 2]));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Files.AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    public static void Save(byte[] pixels, int width, int height, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            System.Runtime.InteropServices.Marshal.Copy(pixels, y * width, bitmap.GetPixels() + y * bitmap.RowBytes, width);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Files.AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
