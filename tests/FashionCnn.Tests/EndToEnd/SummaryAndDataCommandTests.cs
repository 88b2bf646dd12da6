using System.Text.Json;

namespace FashionCnn.Tests.EndToEnd;

public class SummaryAndDataCommandTests
{
    [Fact]
    public void Summary_prints_the_keras_table()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "summary");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"max_pooling2d_1 \(MaxPooling2D\)\s+\(None, 7, 7, 64\)\s+0", result.Stdout);
        Assert.Matches(@"dense_1 \(Dense\)\s+\(None, 10\)\s+1,010", result.Stdout);
        Assert.Contains("Total params: 333,526", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Summary_json_has_every_layer_and_the_total()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "summary", "--json");

        using var json = JsonDocument.Parse(result.Stdout);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(8, layers.Count);
        Assert.Equal("conv2d_1", layers[2].GetProperty("name").GetString());
        Assert.Equal(18_496, layers[2].GetProperty("params").GetInt64());
        Assert.Equal(JsonValueKind.Null, layers[4].GetProperty("output_shape")[0].ValueKind);
        Assert.Equal(3136, layers[4].GetProperty("output_shape")[1].GetInt32());
        Assert.Equal(333_526, json.RootElement.GetProperty("total_params").GetInt64());
    }

    [Fact]
    public void Data_reports_the_repository_copy_and_matching_checksums()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "data");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("found by ./data/fashion-mnist", result.Stdout);
        Assert.Contains("48,000 training + 12,000 validation", result.Stdout);
        Assert.Equal(4, result.Stdout.Split('\n').Count(line => line.TrimStart().StartsWith("ok ")));
    }

    [Fact]
    public void Data_from_an_empty_folder_is_one_line_on_stderr_and_exit_code_2()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(temp.Path, "data", "--data-dir", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("fashioncnn: --data-dir", result.Stderr);
    }

    [Theory]
    [InlineData("summary", "--bogus")]
    [InlineData("frobnicate")]
    public void Unknown_words_are_one_line_errors_with_exit_code_2(params string[] args)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(args[^1], result.Stderr);
    }

    [Theory]
    [InlineData("train", "trian")]
    [InlineData("evaluate", "evalute")]
    [InlineData("--epochs", "train", "--epoch", "2")]
    [InlineData("--architecture", "summary", "--archtecture", "7-3-dropout")]
    public void A_mistyped_verb_or_option_names_the_closest_one(string meant, params string[] args)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains($"did you mean '{meant}'?", result.Stderr);
    }

    [Fact]
    public void A_word_close_to_nothing_gets_no_suggestion()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("did you mean", result.Stderr);
    }

    [Fact]
    public void Help_lists_the_verbs()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("summary", result.Stdout);
        Assert.Contains("data", result.Stdout);
    }
}

public class ErrorPolicyTests
{
    [Fact]
    public void A_user_error_is_one_line_and_verbose_adds_the_stack_trace()
    {
        var plain = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", "/nonexistent/model.h5");
        var verbose = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", "/nonexistent/model.h5", "--verbose");

        Assert.Equal(2, plain.ExitCode);
        Assert.Equal(2, verbose.ExitCode);
        Assert.Single(plain.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("--model /nonexistent/model.h5: file not found", plain.Stderr);
        Assert.Contains("   at FashionCnn.", verbose.Stderr);
    }

    [Theory]
    [InlineData("visualize", "--layer", "0")]
    [InlineData("evaluate")]
    [InlineData("explain", "--index", "0")]
    public void Before_any_training_the_default_model_says_to_train_or_give_one(params string[] args)
    {
        string empty = Directory.CreateTempSubdirectory("fashioncnn-no-model-").FullName;
        try
        {
            var result = CliRunner.Run(empty, args);

            Assert.Equal(2, result.ExitCode);
            Assert.Single(result.Stderr.TrimEnd().Split('\n'));
            Assert.Contains($"no model at {Path.Combine("models", "best-cnn-model.safetensors")} yet: train one with 'fashioncnn train', or give --model", result.Stderr);
            Assert.DoesNotContain("file not found", result.Stderr);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
