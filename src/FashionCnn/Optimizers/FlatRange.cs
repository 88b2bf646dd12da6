using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>A range of the optimizer's flat buffers (parameters, gradients, slots), which all have the same length.</summary>
public readonly record struct FlatRange(long Start, long Length)
{
    /// <summary>Part <paramref name="index"/> of <paramref name="parts"/> nearly equal, consecutive ranges of <paramref name="length"/> numbers.</summary>
    public static FlatRange Part(long length, int index, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if (index < 0 || index >= parts) throw new ArgumentOutOfRangeException(nameof(index));
        long start = length * index / parts, end = length * (index + 1) / parts;
        return new FlatRange(start, end - start);
    }

    /// <summary>This range of a flat buffer, as a view.</summary>
    public Tensor Of(Tensor flat) => flat.narrow(0, Start, Length);
}
