using System.Diagnostics;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>Runs the real fashioncnn executable, as a user would, and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>From the start of the process to its end.</summary>
        public TimeSpan Elapsed { get; init; }

        /// <summary>
        /// The process's peak resident memory (Linux's VmHWM) as last read, every 20 ms while it ran: a lower bound that
        /// misses at most its last 20 ms; 0 where /proc cannot be read.
        /// </summary>
        public long PeakResidentBytes { get; init; }
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public static Result Run(string workingDirectory, IDictionary<string, string?>? environment, params string[] args) =>
        Run(workingDirectory, environment, TimeSpan.FromMinutes(5), args);

    /// <summary>Runs the executable; one that is still running after <paramref name="timeout"/> is killed and the test fails.</summary>
    public static Result Run(string workingDirectory, IDictionary<string, string?>? environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(TestPaths.CliDirectory, "fashioncnn"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("FASHIONCNN_DATA");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) start.Environment[key] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20) && clock.Elapsed < timeout)
            peak = Math.Max(peak, Reliability.PeakResident.Of(process.Id) ?? 0);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"fashioncnn {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:F0} s");
        }
        process.WaitForExit(); // the end of its output
        return new Result(process.ExitCode, stdout.Result, stderr.Result) { Elapsed = clock.Elapsed, PeakResidentBytes = peak };
    }
}
