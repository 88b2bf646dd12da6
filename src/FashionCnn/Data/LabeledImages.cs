namespace FashionCnn.Data;

/// <summary>
/// A set of images with their labels as the tool holds them: one byte per value (0 = background, 255 = full ink
/// or full colour), image i at <c>Pixels[i * Shape.Values ..]</c> in (H, W, C) order. Fashion-MNIST's images
/// are 28×28 grey, as stored in the IDX files.
/// </summary>
public sealed record LabeledImages(byte[] Pixels, byte[] Labels, ImageShape Shape)
{
    public const int Height = 28, Width = 28, PixelsPerImage = Height * Width;

    public LabeledImages(byte[] pixels, byte[] labels) : this(pixels, labels, ImageShape.FashionMnist) { }

    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * Shape.Values, Shape.Values);

    /// <summary>The images at <paramref name="indices"/>, in that order (how the book's split is taken).</summary>
    public LabeledImages Select(IReadOnlyList<int> indices)
    {
        int size = Shape.Values;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * size));
            labels[i] = Labels[indices[i]];
        }
        return new LabeledImages(pixels, labels, Shape);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when count is larger).</summary>
    public LabeledImages Take(int count)
    {
        count = Math.Min(count, Count);
        return new LabeledImages(Pixels[..(count * Shape.Values)], Labels[..count], Shape);
    }
}
