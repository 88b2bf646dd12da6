using FashionCnn.Tests.EndToEnd;

namespace FashionCnn.Tests.Page;

/// <summary>Bad inputs to report are one line and exit 2, as for every verb; train's page follows --no-report and a divergence.</summary>
public class ReportInputTests
{
    [Fact]
    public void A_folder_with_no_model_is_one_line_and_exit_2()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "report", "--model-dir", temp.Path);

        AssertBadInput(result, "holds no model (best-cnn-model.safetensors or best-model.safetensors) and no run.json");
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void An_output_that_is_a_folder_is_one_line_and_exit_2()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "report", "--model", Path.Combine("models", "book", "best-cnn-model.h5"), "--output", temp.Path);

        AssertBadInput(result, $"--output {temp.Path}: is a folder; give a file name.");
    }

    [Fact]
    public void Data_that_cannot_be_found_is_one_line_and_exit_2()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "report", "--model", Path.Combine("models", "book", "best-cnn-model.h5"),
            "--data-dir", temp.File("nowhere"), "--output", temp.File("report.html"));

        AssertBadInput(result, "nowhere");
        Assert.False(File.Exists(temp.File("report.html")));
    }

    [Fact]
    public void Model_and_model_dir_together_are_one_line_and_exit_2()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "report", "--model", "a.h5", "--model-dir", "models");

        AssertBadInput(result, "give --model or --model-dir, not both.");
    }

    [Fact]
    public void Train_with_no_report_writes_none()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--epochs", "1", "--limit", "32", "--architecture", "7-1-logistic-regression",
            "--device", "cpu", "--model-dir", temp.Path, "--no-report");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(temp.File("run.json")));
        Assert.False(File.Exists(temp.File("report.html")));
        Assert.DoesNotContain("report", result.Stdout.Split('\n').Last(l => l.Length > 0));
    }

    /// <summary>Adam's steps of 10^12 send the CNN's loss to infinity (as in the crash-safety test): the page says the run diverged, and the exit is still 1.</summary>
    [Fact]
    public void A_run_that_diverged_writes_a_page_that_says_so()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--limit", "1024", "--epochs", "3", "--learning-rate", "1e12",
            "--device", "cpu", "--model-dir", temp.Path);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        string html = File.ReadAllText(temp.File("report.html"));
        Assert.Matches(@"The run stopped: training diverged: (the loss|val_loss) became NaN or infinite at epoch \d+", html);
    }

    private static void AssertBadInput(CliRunner.Result result, string message)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(message, result.Stderr);
    }
}
