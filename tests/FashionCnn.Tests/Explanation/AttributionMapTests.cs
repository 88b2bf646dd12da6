using FashionCnn.Data;
using FashionCnn.Explanation;

namespace FashionCnn.Tests.Explanation;

/// <summary>Scaling, upsampling, occlusion's patch places and --class, against values worked out by hand.</summary>
public class AttributionMapTests
{
    [Fact]
    public void Bilinear_upsampling_aligns_pixel_centres_as_pytorch_does()
    {
        // F.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False): output x samples the input at
        // (x + 0.5) / 2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (beyond the last cell: the last cell).
        float[] expected =
        [
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f,
        ];

        float[] actual = AttributionMap.Upsample([0, 1, 2, 3], 2, 2, 4, 4);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Upsampling_to_the_same_size_changes_nothing()
    {
        float[] map = Enumerable.Range(0, 28 * 28).Select(i => (float)Math.Sin(i)).ToArray();

        Assert.Equal(map, AttributionMap.Upsample(map, 28, 28, 28, 28));
    }

    [Theory]
    [InlineData(new float[] { -1, 2, 4, 0 }, new float[] { 0, 0.5f, 1, 0 }, 4)]
    [InlineData(new float[] { -3, -0.5f }, new float[] { 0, 0 }, 0)]
    [InlineData(new float[] { 0, 0, 0 }, new float[] { 0, 0, 0 }, 0)]
    public void Maps_are_scaled_to_a_maximum_of_1_and_all_zero_when_nothing_is_positive(float[] map, float[] expected, double maximum)
    {
        var (scaled, divisor) = AttributionMap.ScaleToUnitMaximum(map);

        Assert.Equal(expected, scaled);
        Assert.Equal(maximum, divisor);
    }

    [Theory]
    [InlineData(28, 4, 2, new[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24 })]
    [InlineData(28, 5, 2, new[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 23 })]
    [InlineData(6, 4, 3, new[] { 0, 2 })]
    [InlineData(28, 28, 1, new[] { 0 })]
    [InlineData(28, 7, 7, new[] { 0, 7, 14, 21 })]
    public void Occlusion_patches_step_by_the_stride_and_the_last_one_is_flush_with_the_edge(int size, int patch, int stride, int[] expected)
    {
        Assert.Equal(expected, OcclusionSensitivity.Positions(size, patch, stride));
    }

    [Theory]
    [InlineData("predicted", "predicted", 3)]
    [InlineData("TRUE", "true", 5)]
    [InlineData("8", "class", 8)]
    [InlineData("bag", "class", 8)]
    [InlineData("T-shirt/top", "class", 0)]
    public void Class_choices_name_the_prediction_the_label_or_one_class(string text, string kind, int forPrediction3Label5)
    {
        var choice = ClassChoice.Parse(text, FashionClasses.Names);

        Assert.Equal(kind, choice.Kind);
        Assert.Equal(forPrediction3Label5, choice.For(predicted: 3, label: 5));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1")]
    [InlineData("Hat")]
    public void An_unknown_class_is_an_error_listing_the_choices(string text)
    {
        var error = Assert.Throws<FashionCnnException>(() => ClassChoice.Parse(text, FashionClasses.Names));

        Assert.Contains($"--class {text}", error.Message);
        Assert.Contains("Ankle boot", error.Message);
    }
}
