using System.Diagnostics;

namespace FashionCnn.Tests.Reliability;

/// <summary>A real `fashioncnn train` process that a test can watch and kill.</summary>
internal sealed class TrainingProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _stderr = new();

    /// <summary>
    /// A run without its page (--no-report): these runs test how training ends, is killed and resumes, and the page
    /// (tested by the report's own tests, one of them on a run stopped this way) would add an evaluation of 22,000
    /// images to every run.
    /// </summary>
    public TrainingProcess(params string[] args) : this(report: false, args)
    {
    }

    /// <summary>A run that writes its page at the end, as train does by default.</summary>
    public static TrainingProcess WithReport(params string[] args) => new(report: true, args);

    private TrainingProcess(bool report, string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(TestPaths.CliDirectory, "fashioncnn"))
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in (string[])["train", "--device", "cpu", .. report ? [] : (string[])["--no-report"], .. args]) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lines)
            {
                _lines.Add(e.Data);
                Monitor.PulseAll(_lines); // wakes WaitFor at once, so a signal can follow a line within a millisecond
            }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Stdout { get { lock (_lines) return string.Join('\n', _lines); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// Waits until a line of output contains <paramref name="text"/> <paramref name="count"/> times. A process that
    /// printed it and ended before this returned is not an error: its output is read to the end first (Interrupt then
    /// reports that the process is gone).
    /// </summary>
    public void WaitFor(string text, int count = 1, int timeoutSeconds = 240)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_lines)
            {
                if (_lines.Count(l => l.Contains(text)) >= count) return;
                Monitor.Wait(_lines, 50);
                if (_lines.Count(l => l.Contains(text)) >= count) return;
            }
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the rest of its output
                lock (_lines)
                    if (_lines.Count(l => l.Contains(text)) >= count) return;
                throw new InvalidOperationException($"train exited ({_process.ExitCode}) before '{text}':\n{Stdout}\n{Stderr}");
            }
            if (clock.Elapsed.TotalSeconds > timeoutSeconds) throw new TimeoutException($"no '{text}' in {timeoutSeconds} s:\n{Stdout}");
        }
    }

    /// <summary>
    /// Sends SIGINT, as Ctrl+C in a terminal does; false when the process had already ended (a process that has exited
    /// but is not yet reaped still accepts the signal, so its state is looked at first).
    /// </summary>
    public bool Interrupt()
    {
        string stat = $"/proc/{_process.Id}/stat";
        if (File.Exists(stat) && File.ReadAllText(stat).Split(") ")[^1].StartsWith('Z')) return false;
        return kill(_process.Id, SigInt) == 0;
    }

    private const int SigInt = 2;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Kill()
    {
        _process.Kill(); // SIGKILL: no handler runs, nothing is flushed
        _process.WaitForExit();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(5))) throw new TimeoutException("train did not finish");
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
