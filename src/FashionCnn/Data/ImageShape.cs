namespace FashionCnn.Data;

/// <summary>How many channels an image has: one grey value per pixel, or red, green and blue.</summary>
public enum ColorMode { Grayscale, Rgb }

public static class ColorModes
{
    public static readonly Spelling<ColorMode> Spelling = new("--color-mode", ("grayscale", ColorMode.Grayscale), ("rgb", ColorMode.Rgb));

    public static IReadOnlyList<string> Names => Spelling.Names;

    public static string Name(this ColorMode mode) => Spelling.Name(mode);

    public static int Channels(this ColorMode mode) => mode == ColorMode.Rgb ? 3 : 1;

    public static ColorMode Parse(string name) => Spelling.Parse(name);
}

/// <summary>
/// The size of one image of a data set as Keras holds it: height, width and channels (1 grey, 3 RGB), its bytes
/// stored row by row with the channels of a pixel together (numpy's (H, W, C) order).
/// </summary>
public sealed record ImageShape(int Height, int Width, int Channels)
{
    /// <summary>Fashion-MNIST's 28×28 grey images.</summary>
    public static ImageShape FashionMnist { get; } = new(28, 28, 1);

    /// <summary>Bytes per image.</summary>
    public int Values => Height * Width * Channels;

    public ColorMode ColorMode => Channels == 3 ? ColorMode.Rgb : ColorMode.Grayscale;

    /// <summary>As the user reads it: 28×28 grayscale, 32×32 rgb.</summary>
    public override string ToString() => $"{Height}×{Width} {ColorMode.Name()}";
}

/// <summary>--image-size H W.</summary>
public sealed record ImageSize(int Height, int Width)
{
    /// <summary>The largest side this tool decodes to; a bigger one is a typo rather than a classifier's input.</summary>
    public const int MaxSide = 4096;

    public override string ToString() => $"{Height}×{Width}";
}
