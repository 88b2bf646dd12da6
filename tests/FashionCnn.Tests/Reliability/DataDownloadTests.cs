using System.IO.Compression;
using System.Net;
using FashionCnn.Data;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// data download against a real HTTP server on 127.0.0.1 that the test starts, serving the repository's files
/// and a few ways for a download to go wrong.
/// </summary>
public sealed class DataDownloadTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _prefix;
    private readonly Dictionary<string, int> _requests = new();
    private readonly CancellationTokenSource _stop = new();

    public DataDownloadTests()
    {
        for (int port = 18000 + Environment.ProcessId % 1000; ; port++)
        {
            try
            {
                _prefix = $"http://127.0.0.1:{port}/";
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(_prefix);
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (port < 18999) { _listener.Close(); _listener = new HttpListener(); }
        }
        _ = Task.Run(Serve);
    }

    /// <summary>
    /// /good/ serves the real files; /corrupt/ one altered file; /flaky/ cuts the first response halfway; /missing/ lacks
    /// one file; /stall/ sends the headers and half the body, then nothing; /silent/ never answers; /trickle/ sends a byte
    /// every 100 ms, never stalling but never finishing either. Each request is served on its own, so a stalled one
    /// does not hold up the next.
    /// </summary>
    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Respond(context));
        }
    }

    private async Task Respond(HttpListenerContext context)
    {
        string path = context.Request.Url!.AbsolutePath;
        string scenario = path.Split('/')[1], file = Path.GetFileName(path);
        int count;
        lock (_requests) count = _requests[path] = _requests.GetValueOrDefault(path) + 1;
        string source = Path.Combine(TestPaths.DataDirectory, file);
        var response = context.Response;
        try
        {
            if (scenario == "silent")
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            if (!File.Exists(source) || (scenario == "missing" && file.StartsWith("t10k-labels", StringComparison.Ordinal)))
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            byte[] bytes = File.ReadAllBytes(source);
            if (scenario == "corrupt" && file.StartsWith("train-labels", StringComparison.Ordinal)) bytes = Regzip(bytes, flipAt: 100);
            response.ContentLength64 = bytes.Length;
            if (scenario == "flaky" && count == 1)
            {
                await response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                response.Abort(); // the connection drops halfway
                return;
            }
            if (scenario == "stall")
            {
                await response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await response.OutputStream.FlushAsync();
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            if (scenario == "trickle")
                for (int i = 0; ; i++)
                {
                    await response.OutputStream.WriteAsync(bytes.AsMemory(i, 1), _stop.Token);
                    await response.OutputStream.FlushAsync(_stop.Token);
                    await Task.Delay(100, _stop.Token);
                }
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            // The test is over, or the client gave up on this response.
        }
    }

    private bool Requested(string path)
    {
        lock (_requests) return _requests.ContainsKey(path);
    }

    private static byte[] Regzip(byte[] gz, int flipAt)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var raw = new MemoryStream();
        input.CopyTo(raw);
        byte[] content = raw.ToArray();
        content[flipAt] = (byte)((content[flipAt] + 1) % 10); // still a valid label, so only the checksum can tell
        var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(content);
        return output.ToArray();
    }

    private Task<IReadOnlyList<DownloadedFile>> Download(string scenario, string target, DownloadLimits? limits = null, IProgress<DownloadProgress>? progress = null) =>
        DataDownload.RunAsync(target, _prefix + scenario + "/", progress, CancellationToken.None,
            limits: limits ?? new DownloadLimits { RetryDelay = TimeSpan.FromMilliseconds(10) });

    /// <summary>Seconds instead of the defaults' 30 s and 10 min, so that a stall or a deadline shows in a test.</summary>
    private static readonly DownloadLimits Short = new()
    {
        Stall = TimeSpan.FromSeconds(1), Deadline = TimeSpan.FromSeconds(60), RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    /// <summary>Far more than the limits allow, far less than a hang: the bound that tells the two apart.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Good_files_are_fetched_verified_and_load()
    {
        using var temp = new TempFolder();

        var files = await Download("good", temp.Path);

        Assert.Equal(4, files.Count(f => !f.AlreadyPresent));
        var data = FashionMnist.Load(temp.Path);
        Assert.Equal(60_000, data.Train.Count);
        Assert.Empty(Directory.GetFiles(temp.Path, ".*"));
    }

    [Fact]
    public async Task A_connection_cut_halfway_is_retried()
    {
        using var temp = new TempFolder();

        await Download("flaky", temp.Path);

        Assert.Equal(2, _requests["/flaky/train-images-idx3-ubyte.gz"]);
        Assert.Equal(10_000, FashionMnist.Load(temp.Path).Test.Count);
    }

    [Fact]
    public async Task A_corrupted_file_installs_nothing()
    {
        using var temp = new TempFolder();

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => Download("corrupt", temp.Path));

        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message);
        Assert.Contains("wrong content", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task A_404_names_the_file_and_installs_nothing()
    {
        using var temp = new TempFolder();

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => Download("missing", temp.Path));

        Assert.Contains("t10k-labels-idx1-ubyte.gz: not found", error.Message);
        Assert.Contains("404", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
        Assert.Equal(1, _requests["/missing/t10k-labels-idx1-ubyte.gz"]);
    }

    [Fact]
    public async Task Files_already_in_place_and_correct_are_not_fetched_again()
    {
        using var temp = new TempFolder();
        await Download("good", temp.Path);

        var again = await Download("good", temp.Path);

        Assert.All(again, f => Assert.True(f.AlreadyPresent));
        Assert.Equal(1, _requests["/good/t10k-images-idx3-ubyte.gz"]);
    }

    [Theory]
    [InlineData("stall")]
    [InlineData("silent")]
    public async Task A_server_that_stops_sending_is_given_up_after_the_stall_timeout_of_each_attempt(string scenario)
    {
        using var temp = new TempFolder();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => Download(scenario, temp.Path, Short));

        Assert.True(clock.Elapsed < HangBound, $"took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains($"failed after {DataDownload.Attempts} attempt(s) (no data for 1 s)", error.Message);
        Assert.Equal(DataDownload.Attempts, _requests[$"/{scenario}/train-images-idx3-ubyte.gz"]);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task A_download_that_never_stalls_but_never_ends_stops_at_its_deadline()
    {
        using var temp = new TempFolder();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RuntimeFailureException>(() => Download("trickle", temp.Path, Short with { Deadline = TimeSpan.FromSeconds(2) }));

        Assert.True(clock.Elapsed < HangBound, $"took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Contains("did not finish within its deadline of 2 s", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Progress_shows_how_long_nothing_has_come()
    {
        using var temp = new TempFolder();
        var reports = new List<DownloadProgress>();

        await Assert.ThrowsAsync<RuntimeFailureException>(() =>
            Download("stall", temp.Path, Short with { Stall = TimeSpan.FromSeconds(2.5) }, new Reports(reports)));

        lock (reports)
        {
            Assert.Contains(reports, r => r.Received > 0 && r.Waiting == TimeSpan.Zero);
            Assert.Contains(reports, r => r.Received > 0 && r.Waiting >= TimeSpan.FromSeconds(1) && r.StallLimit == TimeSpan.FromSeconds(2.5));
        }
    }

    /// <summary>Collects reports as they are made (Progress&lt;T&gt; would post them to the thread pool, after the test looked).</summary>
    private sealed class Reports(List<DownloadProgress> list) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            lock (list) list.Add(value);
        }
    }

    [Fact]
    public async Task Ctrl_c_during_a_download_is_exit_130_one_line_and_leaves_nothing()
    {
        using var temp = new TempFolder();
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(TestPaths.CliDirectory, "fashioncnn"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "data", "download", "--to", temp.Path, "--mirror", _prefix + "silent/" }) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Requested("/silent/train-images-idx3-ubyte.gz") && clock.Elapsed < HangBound) await Task.Delay(20);

        await System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExitAsync();

        using var bound = new CancellationTokenSource(HangBound);
        await process.WaitForExitAsync(bound.Token);
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("fashioncnn: download interrupted; nothing was installed.", (await stderr).Trim());
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void The_command_line_says_what_it_fetched()
    {
        using var temp = new TempFolder();

        var result = EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot, "data", "download", "--to", temp.Path, "--mirror", _prefix + "good/");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(4, result.Stdout.Split('\n').Count(l => l.Contains("fetched") && l.EndsWith("ok")));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
