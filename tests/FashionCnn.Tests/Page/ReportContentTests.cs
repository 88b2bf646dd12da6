using System.Text.RegularExpressions;
using FashionCnn.Tests.EndToEnd;

namespace FashionCnn.Tests.Page;

/// <summary>What the pages say, read as text: how each run ended, the sections in the book's order, why one is absent, and nothing fetched.</summary>
[Collection(nameof(RunReportCollection))]
public class ReportContentTests(RunReports reports)
{
    [Theory]
    [MemberData(nameof(RunReports.All), MemberType = typeof(RunReports))]
    public void Every_page_has_the_five_sections_in_the_books_order_and_fetches_nothing(string name)
    {
        string html = reports.Html(name);

        var headings = Regex.Matches(html, "<h2 id=\"[a-z]+-h\">([^<]+)</h2>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["1. The run", "2. The model", "3. Training", "4. Evaluation", "5. Inside the network"], headings);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.All(Regex.Matches(html, "src=\"([^\"]{0,30})").Select(m => m.Groups[1].Value), src => Assert.StartsWith("data:image/png;base64,", src));
    }

    [Fact]
    public void Train_says_how_each_run_ended()
    {
        Assert.Contains("Finished all 1 epoch(s).", reports.Html(RunReports.Cnn));
        Assert.Contains("Interrupted (Ctrl+C or SIGTERM) after 1 complete epoch(s) of 2", reports.Html(RunReports.Interrupted));
        Assert.Contains("report         " + Path.Combine(reports.Folder(RunReports.Cnn), "report.html"), reports.Stdout[RunReports.Cnn]);
    }

    [Fact]
    public void The_command_line_on_the_page_names_the_runs_options()
    {
        string html = reports.Html(RunReports.Dense);

        Assert.Contains("fashioncnn train --architecture 7-2-dense-relu --epochs 1 --batch-size 32 --optimizer adam --learning-rate 0.001 --patience 0 --seed 42", html);
        Assert.Contains("--limit 256", html);
    }

    [Fact]
    public void A_section_that_does_not_apply_says_why()
    {
        string book = reports.Html(RunReports.Book), dense = reports.Html(RunReports.Dense);

        Assert.Contains("There is no run record (run.json) for this model", book);
        Assert.Contains("There is no training history (history.json) for this model", book);
        Assert.Contains("this model has no convolution layer, so its mistakes have no Grad-CAM maps", dense);
        Assert.Contains("This model has no convolution layer, so there are no kernels or feature maps", dense);
        Assert.DoesNotContain("class=\"absent\"", reports.Html(RunReports.Cnn));
    }

    /// <summary>The book's model evaluated as evaluate prints it: the numbers on the page are the verb's own.</summary>
    [Fact]
    public void The_books_numbers_are_evaluates()
    {
        var evaluate = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", Path.Combine("models", "book", "best-cnn-model.h5"), "--split", "test",
            "--out", reports.Folder(RunReports.Book));
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        string line = evaluate.Stdout.Split('\n').Single(l => l.StartsWith("loss: ", StringComparison.Ordinal));

        Assert.Contains($"<p>{line}.</p>", reports.Html(RunReports.Book));
    }

    [Fact]
    public void A_page_written_again_from_the_same_files_is_the_same_byte_for_byte()
    {
        string folder = reports.Folder(RunReports.Cnn);
        byte[] byTrain = File.ReadAllBytes(reports.Report(RunReports.Cnn));
        string again = Path.Combine(folder, "again.html");

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "report", "--model-dir", folder, "--output", again);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"Report: .*again\.html \([\d,]+ kB, written in [\d.]+ s\)", result.Stdout);
        Assert.Equal(byTrain, File.ReadAllBytes(again));
    }
}
