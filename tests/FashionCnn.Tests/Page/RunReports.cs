using FashionCnn.Tests.EndToEnd;
using FashionCnn.Tests.Reliability;

namespace FashionCnn.Tests.Page;

/// <summary>
/// The four reports the page's tests read, each made once by the real executable: (a) train's page of a one-epoch CNN
/// run, (b) the report of the book's own .h5, (c) train's page of a one-epoch dense chapter-7 model, (d) train's page of
/// a run stopped by Ctrl+C. They are made side by side, so the slowest sets the wait.
/// </summary>
public sealed class RunReports : IDisposable
{
    public const string Cnn = "cnn", Book = "book", Dense = "dense", Interrupted = "interrupted";

    public static readonly TheoryData<string> All = [Cnn, Book, Dense, Interrupted];

    private readonly TempFolder _temp = new();

    /// <summary>Each run evaluates 22,000 images for its page: minutes on a busy 2-core machine, seconds on an idle one.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    public RunReports()
    {
        Task.WaitAll(
            Task.Run(() => Train(Cnn, "--limit", "256")),
            Task.Run(() => Train(Dense, "--architecture", "7-2-dense-relu", "--limit", "256")),
            Task.Run(BookReport),
            Task.Run(InterruptedRun));
    }

    /// <summary>The folder of a run (or of the book's report).</summary>
    public string Folder(string name) => Path.Combine(_temp.Path, name);

    public string Report(string name) => Path.Combine(Folder(name), "report.html");

    public string Html(string name) => File.ReadAllText(Report(name));

    /// <summary>What train printed for each run.</summary>
    public Dictionary<string, string> Stdout { get; } = [];

    private void Train(string name, params string[] args)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, null, Patience,
            ["train", "--epochs", "1", "--patience", "0", "--device", "cpu", "--model-dir", Folder(name), .. args]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"train {name}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        lock (Stdout) Stdout[name] = result.Stdout;
    }

    private void BookReport()
    {
        Directory.CreateDirectory(Folder(Book));
        var result = CliRunner.Run(TestPaths.RepositoryRoot, null, Patience, "report", "--model", Path.Combine("models", "book", "best-cnn-model.h5"), "--output", Report(Book));
        if (result.ExitCode != 0) throw new InvalidOperationException($"report of the book's model: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        lock (Stdout) Stdout[Book] = result.Stdout;
    }

    /// <summary>
    /// Ctrl+C after the first of two epochs: the run stops there, keeps its checkpoint and writes its page. On a busy
    /// machine the signal can land only after the short second epoch; such a try says nothing about the page and is
    /// repeated (at most three times).
    /// </summary>
    private void InterruptedRun()
    {
        for (int attempt = 1; ; attempt++)
        {
            if (Directory.Exists(Folder(Interrupted))) Directory.Delete(Folder(Interrupted), recursive: true);
            using var run = TrainingProcess.WithReport("--limit", "64", "--epochs", "2", "--patience", "0", "--model-dir", Folder(Interrupted));
            run.WaitFor("val_accuracy", 1);
            if (!run.Interrupt()) throw new InvalidOperationException($"the run ended before Ctrl+C:\n{run.Stdout}");
            int exit = run.WaitForExit();
            if (exit != 130) throw new InvalidOperationException($"interrupted train: exit {exit}\n{run.Stdout}\n{run.Stderr}");
            if (!run.Stdout.Contains("Interrupted after 1 complete epoch(s)") && attempt < 3) continue;
            lock (Stdout) Stdout[Interrupted] = run.Stdout;
            return;
        }
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>The tests that read <see cref="RunReports"/> share one set.</summary>
[CollectionDefinition(nameof(RunReportCollection))]
public sealed class RunReportCollection : ICollectionFixture<RunReports>;
