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

    /// <summary>/good/ serves the real files; /corrupt/ one altered file; /flaky/ cuts the first response halfway; /missing/ lacks one file.</summary>
    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            string path = context.Request.Url!.AbsolutePath;
            string scenario = path.Split('/')[1], file = Path.GetFileName(path);
            int count;
            lock (_requests) count = _requests[path] = _requests.GetValueOrDefault(path) + 1;
            string source = Path.Combine(TestPaths.DataDirectory, file);
            var response = context.Response;
            if (!File.Exists(source) || (scenario == "missing" && file.StartsWith("t10k-labels", StringComparison.Ordinal)))
            {
                response.StatusCode = 404;
                response.Close();
                continue;
            }
            byte[] bytes = File.ReadAllBytes(source);
            if (scenario == "corrupt" && file.StartsWith("train-labels", StringComparison.Ordinal)) bytes = Regzip(bytes, flipAt: 100);
            response.ContentLength64 = bytes.Length;
            if (scenario == "flaky" && count == 1)
            {
                await response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                response.Abort(); // the connection drops halfway
                continue;
            }
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
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

    private Task<IReadOnlyList<DownloadedFile>> Download(string scenario, string target) =>
        DataDownload.RunAsync(target, _prefix + scenario + "/", null, CancellationToken.None, limits: new DownloadLimits { RetryDelay = TimeSpan.FromMilliseconds(10) });

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
