using FashionCnn.Cli;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>One rule for case: every name the tool defines or reads from a model is taken in any case, as --split Test is.</summary>
public class NameCaseTests
{
    private static readonly string BookModel = Path.Combine("models", "book", "best-cnn-model.h5");

    [Theory]
    [InlineData("summary", "--architecture", "8-2-CNN")]
    [InlineData("summary", "--architecture", "7-3-Dropout")]
    [InlineData("predict", "--model", "models/book/best-cnn-model.h5", "--split", "Test", "--index", "0")]
    public void Names_in_another_case_are_accepted(params string[] args)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, args);

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Theory]
    [InlineData("Cosine", "cosine")]
    [InlineData("EXPONENTIAL", "exponential")]
    [InlineData("my-schedule.json", "my-schedule.json")]
    public void A_schedule_name_in_any_case_is_the_schedule_and_a_file_name_stays_as_given(string given, string parsed)
    {
        var (root, _) = CommandTree.Create();

        var result = root.Parse(["train", "--lr-schedule", given]);

        Assert.Empty(result.Errors);
        Assert.Equal(parsed, result.GetValue<string?>("--lr-schedule"));
    }

    [Fact]
    public void A_bundled_architecture_in_capitals_is_the_same_model()
    {
        var lower = CliRunner.Run(TestPaths.RepositoryRoot, "summary", "--architecture", "8-2-cnn");
        var upper = CliRunner.Run(TestPaths.RepositoryRoot, "summary", "--architecture", "8-2-CNN");

        Assert.Equal(0, upper.ExitCode);
        Assert.Equal(lower.Stdout, upper.Stdout);
    }

    [Fact]
    public void A_layer_name_in_capitals_picks_the_layer_for_grad_cam()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "explain", "--model", BookModel, "--index", "0", "--layer", "Conv2D_1", "--json", "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"layer\": \"conv2d_1\"", result.Stdout);
    }
}
