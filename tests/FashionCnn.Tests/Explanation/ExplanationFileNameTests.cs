using FashionCnn.Explanation;

namespace FashionCnn.Tests.Explanation;

/// <summary>explain's picture names identify their inputs: two lists of as many pictures or indices never share a name.</summary>
public class ExplanationFileNameTests
{
    private static string Name(ExplainOptions options) => ExplanationPicture.FileName(options, "best-cnn-model.h5", "conv2d_1", ClassChoice.Predicted);

    [Fact]
    public void Two_lists_of_three_pictures_get_two_names_and_the_same_list_the_same_name()
    {
        var first = new ExplainOptions { Files = ["shoe.jpg", "shirt.png", "bag.png"] };
        var second = new ExplainOptions { Files = ["boot.jpg", "coat.png", "dress.png"] };

        Assert.NotEqual(Name(first), Name(second));
        Assert.Equal(Name(first), Name(first with { Files = ["shoe.jpg", "shirt.png", "bag.png"] }));
        Assert.StartsWith("best-cnn-model-gradcam-conv2d_1-3-pictures-", Name(first));
    }

    [Fact]
    public void Two_sets_of_scattered_indices_get_two_names_and_a_range_keeps_its_readable_name()
    {
        var first = new ExplainOptions { Indices = [3, 7, 40], Split = FashionCnn.Data.DataSplit.Test };
        var second = new ExplainOptions { Indices = [3, 8, 40], Split = FashionCnn.Data.DataSplit.Test };

        Assert.NotEqual(Name(first), Name(second));
        Assert.Equal("best-cnn-model-gradcam-conv2d_1-test-0-to-9.png", Name(first with { Indices = [.. Enumerable.Range(0, 10)] }));
    }
}
