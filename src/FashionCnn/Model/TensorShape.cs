namespace FashionCnn.Model;

/// <summary>
/// The shape of one sample as Keras writes it: channels last, batch dimension left out
/// (an image is (height, width, channels), a vector is (units)).
/// </summary>
public sealed record TensorShape(params int[] Dimensions)
{
    public long ElementCount => Dimensions.Aggregate(1L, (product, d) => product * d);

    public int this[int index] => Dimensions[index];

    public int Rank => Dimensions.Length;

    public bool Equals(TensorShape? other) => other is not null && Dimensions.SequenceEqual(other.Dimensions);

    public override int GetHashCode() => Dimensions.Aggregate(17, (hash, d) => hash * 31 + d);

    /// <summary>Keras' notation, with the batch as None: <c>(None, 28, 28, 32)</c>.</summary>
    public override string ToString() => $"(None, {string.Join(", ", Dimensions)})";
}
