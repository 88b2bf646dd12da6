using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

/// <summary>Golden values printed by numpy 1.24.2 and scikit-learn 1.2 (train_test_split, random_state=42).</summary>
public class ValidationSplitTests
{
    [Fact]
    public void Mt19937_matches_the_reference_generator_for_its_default_seed()
    {
        // Matsumoto & Nishimura's mt19937ar.c, init_genrand(5489): the first outputs of genrand_int32.
        var random = new NumpyRandomState(5489);
        Assert.Equal([3499211612u, 581869302u, 3890346734u], [random.NextUInt32(), random.NextUInt32(), random.NextUInt32()]);
    }

    [Fact]
    public void Permutation_of_10_matches_numpy()
    {
        Assert.Equal([8, 1, 5, 0, 7, 2, 9, 4, 3, 6], new NumpyRandomState(42).Permutation(10));
    }

    [Fact]
    public void Book_split_of_60000_matches_scikit_learn()
    {
        var split = ValidationSplit.Create(60_000);

        Assert.Equal(12_000, split.ValidationIndices.Length);
        Assert.Equal(48_000, split.TrainIndices.Length);
        Assert.Equal([12628, 37730, 39991, 8525, 8279], split.ValidationIndices[..5]);
        Assert.Equal([48572, 38696, 13611, 35213, 31766], split.TrainIndices[..5]);
        Assert.Equal([860, 15795, 56422], split.TrainIndices[^3..]);
    }

    [Fact]
    public void Split_is_a_partition_of_all_indices()
    {
        var split = ValidationSplit.Create(60_000);
        var all = split.TrainIndices.Concat(split.ValidationIndices).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 60_000), all);
    }

    [Fact]
    public void Split_images_follow_permutation_order()
    {
        var all = new LabeledImages(new byte[5 * LabeledImages.PixelsPerImage], [0, 1, 2, 3, 4]);
        var (train, validation) = ValidationSplit.Apply(all);
        int[] permutation = new NumpyRandomState(42).Permutation(5);

        Assert.Equal(permutation[..1].Select(i => (byte)i), validation.Labels);
        Assert.Equal(permutation[1..].Select(i => (byte)i), train.Labels);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Fraction_outside_0_and_1_is_rejected(double fraction)
    {
        Assert.Throws<FashionCnnException>(() => ValidationSplit.Create(100, fraction));
    }
}
