namespace FashionCnn.Data;

/// <summary>
/// A set of 28×28 grey images with their labels, as stored in the IDX files: one byte per pixel
/// (0 = background, 255 = full ink), image i at <c>Pixels[i * 784 ..]</c>.
/// </summary>
public sealed record LabeledImages(byte[] Pixels, byte[] Labels)
{
    public const int Height = 28, Width = 28, PixelsPerImage = Height * Width;

    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>The images at <paramref name="indices"/>, in that order (how the book's split is taken).</summary>
    public LabeledImages Select(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * PixelsPerImage];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * PixelsPerImage));
            labels[i] = Labels[indices[i]];
        }
        return new LabeledImages(pixels, labels);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when count is larger).</summary>
    public LabeledImages Take(int count)
    {
        count = Math.Min(count, Count);
        return new LabeledImages(Pixels[..(count * PixelsPerImage)], Labels[..count]);
    }
}
