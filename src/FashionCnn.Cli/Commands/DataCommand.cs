using System.CommandLine;
using FashionCnn.Data;
using FashionCnn.Files;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn data</c>: where the data is, how much of it, and whether it is the published release.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var dataOptions = new DataOptionSet();
        var command = new Command("data", "Find and check a data set: kind, location, image counts and size, classes, the book's split; "
                                          + "for Fashion-MNIST the SHA-256 checksums; for a folder of images the decoding speed.");
        dataOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            var report = DataReport.Of(dataOptions.Read(parsed));
            if (report.Checksums is { } checksums) PrintFashionMnist(report, checksums);
            else PrintDataSet(report);
            return report.Accepted ? ExitCodes.Success : ExitCodes.BadInput;
        });
        command.Add(CreateDownload());
        return command;
    }

    private static void PrintFashionMnist(DataReport report, IReadOnlyList<DataFileCheck> checksums)
    {
        Console.WriteLine($"Data:       {report.Location} (found by {report.FoundBy})");
        PrintSplit(report);
        foreach (var file in checksums)
            Console.WriteLine($"  {(file.ChecksumMatches ? "ok      " : "MISMATCH")}  {file.FileName,-30} sha256 {file.Sha256}");
        Console.WriteLine(report.Accepted
            ? "All four files match the published Fashion-MNIST release."
            : "Some files differ from the published Fashion-MNIST release: training and evaluation will refuse them.");
    }

    /// <summary>Any data set given with --data: what it is, how it splits, and how long reading it took.</summary>
    private static void PrintDataSet(DataReport report)
    {
        int total = report.TrainImages + (report.TestImages ?? 0);
        Console.WriteLine($"Data:       {report.Location} ({report.Kind})");
        Console.WriteLine($"Images:     {report.Shape}, {total:N0} read in {report.Seconds:F2} s ({total / Math.Max(report.Seconds, 1e-6):N0} images/s"
                          + (report.FromCache ? ", from the cache of decoded images)" : ")"));
        PrintSplit(report);
        Console.WriteLine($"Classes:    {report.ClassNames.Count}: {string.Join(", ", report.ClassNames)}");
        Console.WriteLine($"Skipped:    {report.Skipped}");
    }

    private static void PrintSplit(DataReport report)
    {
        Console.WriteLine($"Train:      {report.TrainImages:N0} images, split as the book does into "
                          + $"{report.TrainingImages:N0} training + {report.ValidationImages:N0} validation (test_size {report.TestSize}, seed {ValidationSplit.BookSeed})");
        Console.WriteLine(report.TestImages is int test ? $"Test:       {test:N0} images" : "Test:       none");
    }

    private static Command CreateDownload()
    {
        var to = new Option<string>("--to") { Description = "Folder to put the four files in.", DefaultValueFactory = _ => DataDirectory.RepositoryFolder, HelpName = "DIR" };
        var mirror = new Option<string>("--mirror") { Description = "Where to download from.", DefaultValueFactory = _ => DataDownload.CanonicalMirror, HelpName = "URL" };
        var download = new Command("download", "Download the four Fashion-MNIST files, check each one's SHA-256, and only then put them in place.")
        {
            to, mirror,
        };
        download.SetAction(async (parsed, cancellation) =>
        {
            // The parser cancels the download on SIGINT and SIGTERM alike; which one came decides the exit code.
            bool terminated = false;
            using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => terminated = true);
            bool interactive = !Console.IsOutputRedirected;
            var progress = new ProgressLine(interactive);
            IReadOnlyList<DownloadedFile> files;
            try
            {
                files = await DataDownload.RunAsync(parsed.GetValue(to)!, parsed.GetValue(mirror)!, progress, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                progress.End();
                Console.Error.WriteLine("fashioncnn: download interrupted; nothing was installed.");
                return terminated ? ExitCodes.Terminated : ExitCodes.Interrupted;
            }
            finally
            {
                progress.End();
            }
            foreach (var file in files)
                Console.WriteLine($"  {(file.AlreadyPresent ? "present " : "fetched ")} {file.Name,-26} sha256 {file.Sha256} ok");
            Console.WriteLine($"Fashion-MNIST is in {CommonOptions.DisplayPath(Path.GetFullPath(parsed.GetValue(to)!))}.");
            return ExitCodes.Success;
        });
        return download;
    }

    /// <summary>
    /// One line on a terminal, redrawn as bytes arrive or a wait grows; reports come from the download's threads and may
    /// still come after it ended, so they are drawn in order and not at all once the line is cleared.
    /// </summary>
    private sealed class ProgressLine(bool interactive) : IProgress<DownloadProgress>
    {
        private readonly Lock _gate = new();
        private bool _ended;

        public void Report(DownloadProgress p)
        {
            if (!interactive) return;
            string size = p.Total is long total ? $"{ByteSize.Megabytes(p.Received):F1} / {ByteSize.Megabytes(total):F1} MB" : $"{ByteSize.Megabytes(p.Received):F1} MB";
            string attempt = p.Attempt > 1 ? $" (attempt {p.Attempt} of {DataDownload.Attempts})" : "";
            string waiting = p.Waiting > TimeSpan.Zero ? $" - no data for {p.Waiting.TotalSeconds:F0} s (gives up at {DataDownload.Describe(p.StallLimit)})" : "";
            lock (_gate)
                if (!_ended) Console.Write($"\r  {p.File,-26} {size}{attempt}{waiting}\u001b[K");
        }

        public void End()
        {
            lock (_gate)
            {
                if (interactive && !_ended) Console.Write("\r\u001b[K");
                _ended = true;
            }
        }
    }
}
