namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// A successful run writes nothing on stderr: the tool writes there only its own one-line errors, so any text
/// there is someone else's (libtorch's "[W… NNPACK.cpp:56] Could not initialize NNPACK!" on CPUs NNPACK does
/// not support), which reads as a failure. --verbose is where libtorch's warnings go.
/// </summary>
public class QuietStderrTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    /// <summary>Every verb, each run the shortest way that still computes what the verb exists for.</summary>
    public static TheoryData<string, string[]> Verbs => new()
    {
        // train's own page is the report row's work, checked there; here the run alone.
        { "train", ["train", "--epochs", "1", "--limit", "256", "--device", "cpu", "--model-dir", "{out}", "--no-report"] },
        { "evaluate", ["evaluate", "--model", BookModel, "--split", "test", "--out", "{out}"] },
        { "visualize", ["visualize", "--model", BookModel, "--out", "{out}"] },
        { "predict", ["predict", "--model", BookModel, "--split", "test", "--index", "0"] },
        { "explain", ["explain", "--model", BookModel, "--split", "test", "--index", "0", "--out", "{out}"] },
        { "report", ["report", "--model", BookModel, "--output", "{out}/report.html"] },
        { "export pt", ["export", "--model", BookModel, "--format", "pt", "--output", "{out}/m.pt"] },
        { "export onnx", ["export", "--model", BookModel, "--format", "onnx", "--output", "{out}/m.onnx"] },
        { "bench", ["bench", "--steps", "3", "--batch-size", "16", "--threads", "1", "--device", "cpu"] },
        { "summary", ["summary", "--model", BookModel] },
        { "data", ["data"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void A_successful_run_leaves_stderr_empty(string verb, string[] args)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, args.Select(a => a.Replace("{out}", temp.Path)).ToArray());

        Assert.True(result.ExitCode == 0, $"{verb}: exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal("", result.Stderr);
    }
}
