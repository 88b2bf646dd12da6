namespace FashionCnn.Model;

/// <summary>
/// The shape of one sample as Keras writes it: channels last, batch dimension left out
/// (an image is (height, width, channels), a vector is (units)).
/// </summary>
public sealed record TensorShape
{
    /// <summary>
    /// A shape of more values than one tensor may index with an int is refused, in one sentence: its product would
    /// otherwise wrap (16 × 268,435,457 values read as 16), and a layer would be built for a shape the file never had.
    /// </summary>
    public TensorShape(params int[] dimensions)
    {
        long count = 1;
        foreach (int d in dimensions)
        {
            count *= Math.Max(d, 1);
            if (count > int.MaxValue)
                throw new FashionCnnException($"a shape of (None, {string.Join(", ", dimensions)}) holds more than {int.MaxValue:N0} values a sample, "
                                              + "more than one tensor can index; no model of this tool takes such a shape.");
        }
        Dimensions = dimensions;
    }

    public int[] Dimensions { get; }

    public long ElementCount => Dimensions.Aggregate(1L, (product, d) => product * d);

    public int this[int index] => Dimensions[index];

    public int Rank => Dimensions.Length;

    public bool Equals(TensorShape? other) => other is not null && Dimensions.SequenceEqual(other.Dimensions);

    public override int GetHashCode() => Dimensions.Aggregate(17, (hash, d) => hash * 31 + d);

    /// <summary>Keras' notation, with the batch as None: <c>(None, 28, 28, 32)</c>.</summary>
    public override string ToString() => $"(None, {string.Join(", ", Dimensions)})";
}
