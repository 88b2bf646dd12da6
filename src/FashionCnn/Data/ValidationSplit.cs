namespace FashionCnn.Data;

/// <summary>
/// The book's split of the 60,000 training images:
/// <c>train_test_split(train_scaled, train_target, test_size=0.2, random_state=42)</c>. scikit-learn draws
/// <c>RandomState(seed).permutation(n)</c>; validation is its first ceil(n × fraction) indices, training the
/// rest, both in permutation order.
/// </summary>
public sealed record ValidationSplit(int[] TrainIndices, int[] ValidationIndices)
{
    public const double BookFraction = 0.2;
    public const uint BookSeed = 42;

    public static ValidationSplit Create(int count, double validationFraction = BookFraction, uint seed = BookSeed)
    {
        if (validationFraction <= 0 || validationFraction >= 1)
            throw new FashionCnnException($"validation fraction {validationFraction} must be between 0 and 1.");
        int[] permutation = new NumpyRandomState(seed).Permutation(count);
        int validationCount = (int)Math.Ceiling(count * validationFraction);
        return new ValidationSplit(permutation[validationCount..], permutation[..validationCount]);
    }

    /// <summary>The book's (training, validation) sets from the full training set.</summary>
    public static (LabeledImages Train, LabeledImages Validation) Apply(LabeledImages all, double validationFraction = BookFraction, uint seed = BookSeed)
    {
        var split = Create(all.Count, validationFraction, seed);
        return (all.Select(split.TrainIndices), all.Select(split.ValidationIndices));
    }
}
