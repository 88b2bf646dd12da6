using System.Text;
using FashionCnn.Data;
using SkiaSharp;

namespace FashionCnn.Tests.Data;

/// <summary>Writes the layouts a user brings (Kaggle-style CSV, folders of PNGs) from images the tests hold, as another program would.</summary>
internal static class DataSetWriter
{
    /// <summary>Kaggle's fashion-mnist_*.csv: a header, then label,pixel1,…,pixelN per image.</summary>
    public static void WriteCsv(string path, LabeledImages images)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("label");
        for (int p = 1; p <= images.Shape.Values; p++) writer.Write($",pixel{p}");
        writer.Write('\n');
        var line = new StringBuilder();
        for (int i = 0; i < images.Count; i++)
        {
            line.Clear().Append(images.Labels[i]);
            foreach (byte value in images.Image(i)) line.Append(',').Append(value);
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>
    /// The first <paramref name="train"/> training and <paramref name="test"/> test images of Fashion-MNIST as Kaggle's two CSV
    /// files in a new <paramref name="folder"/>: a data set for end-to-end runs that need real images but not all of them.
    /// </summary>
    public static string WriteSmallFashionCsv(string folder, int train, int test)
    {
        Directory.CreateDirectory(folder);
        var fashion = BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory });
        WriteCsv(Path.Combine(folder, "fashion-mnist_train.csv"), fashion.Parts.Train.Take(train));
        WriteCsv(Path.Combine(folder, "fashion-mnist_test.csv"), fashion.Test.Take(test));
        return folder;
    }

    /// <summary>Each image as a PNG in FOLDER/&lt;class folder of its label&gt;/NNNNN.png, grey or RGB as the set is.</summary>
    public static void WritePngFolder(string folder, LabeledImages images, IReadOnlyList<string> classFolders)
    {
        foreach (string name in classFolders) Directory.CreateDirectory(Path.Combine(folder, name));
        Parallel.For(0, images.Count, i =>
            WritePng(Path.Combine(folder, classFolders[images.Labels[i]], $"{i:D5}.png"), images.Image(i).ToArray(), images.Shape));
    }

    public static void WritePng(string path, byte[] pixels, ImageShape shape)
    {
        bool grey = shape.Channels == 1;
        using var bitmap = new SKBitmap(new SKImageInfo(shape.Width, shape.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        var target = bitmap.GetPixelSpan();
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                int p = y * shape.Width + x;
                if (grey) target[y * bitmap.RowBytes + x] = pixels[p];
                else
                {
                    int o = y * bitmap.RowBytes + 4 * x;
                    target[o] = pixels[3 * p];
                    target[o + 1] = pixels[3 * p + 1];
                    target[o + 2] = pixels[3 * p + 2];
                    target[o + 3] = 255;
                }
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
