using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>
/// Bytes received of one file, for a progress line; <paramref name="Waiting"/> is how long no byte has come
/// (zero while data flows), so a stalled server shows as a growing wait rather than a frozen line.
/// </summary>
public sealed record DownloadProgress(string File, long Received, long? Total, int Attempt, TimeSpan Waiting, TimeSpan StallLimit);

/// <summary>What happened to each of the four files.</summary>
public sealed record DownloadedFile(string Name, string Path, string Sha256, bool AlreadyPresent);

/// <summary>How long a download may wait, and how much it accepts. The defaults suit a slow but working connection.</summary>
public sealed record DownloadLimits
{
    /// <summary>No byte for this long (connecting, waiting for the headers, or mid-body) ends the attempt, which is retried.</summary>
    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The whole download, all four files with their retries, ends after this long.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The pause before the n-th retry is n times this.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest file accepted: the biggest of the four is 26 MB compressed, so a server sending more is not sending Fashion-MNIST.</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;
}

/// <summary>
/// Fetches the four Fashion-MNIST files when the repository's copy is absent. Each file is downloaded to a
/// temporary file beside its destination, its decompressed content is checked against the published
/// SHA-256, and only when all four check out are they moved into place; a dropped or stalled connection is
/// retried, a missing file (404) or a wrong checksum is not. Every wait is bounded (<see cref="DownloadLimits"/>).
/// </summary>
public static class DataDownload
{
    /// <summary>Zalando's own mirror of the data set, as listed in the project's README.</summary>
    public const string CanonicalMirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    public const int Attempts = 3;

    /// <summary>How often a wait is reported while no byte comes.</summary>
    private static readonly TimeSpan WaitReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Downloads what is missing into <paramref name="targetDir"/> (option <c>--to</c>). Cancelling
    /// <paramref name="cancellation"/> throws <see cref="OperationCanceledException"/> and leaves no temporary file.
    /// </summary>
    public static async Task<IReadOnlyList<DownloadedFile>> RunAsync(string targetDir, string mirror, IProgress<DownloadProgress>? progress,
        CancellationToken cancellation, HttpMessageHandler? handler = null, DownloadLimits? limits = null)
    {
        limits ??= new DownloadLimits();
        if (!Uri.TryCreate(mirror.EndsWith('/') ? mirror : mirror + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new FashionCnnException($"--mirror {mirror}: not an http or https address.");
        string folder = OutputFiles.RequireFolder(targetDir, "--to");
        var destinations = FashionMnist.FileNames.ToDictionary(name => name, name => OutputFiles.RequireFile(Path.Combine(folder, name + ".gz"), "--to", inApprovedFolder: true));

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        // Every wait has its own bound below; HttpClient's single 100-second timeout would only blur which one ran out.
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limits.Deadline);
        var download = new Download(client, progress, limits, deadline.Token, cancellation);

        var results = new List<DownloadedFile>();
        var pending = new List<(string Temp, string Destination)>();
        try
        {
            foreach (string name in FashionMnist.FileNames)
            {
                string destination = destinations[name];
                string expected = FashionMnist.PublishedSha256[name];
                if (File.Exists(destination) && TryHash(destination) == expected)
                {
                    results.Add(new DownloadedFile(name, destination, expected, AlreadyPresent: true));
                    continue;
                }
                string temp = Path.Combine(folder, $"{AtomicFile.TemporaryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.download.tmp");
                pending.Add((temp, destination));
                var uri = new Uri(baseUri, name + ".gz");
                await download.FetchWithRetriesAsync(uri, temp, name);
                string actual = TryHash(temp) ?? throw new RuntimeFailureException($"{name}.gz from {uri} is not valid gzip data.");
                if (actual != expected)
                    throw new RuntimeFailureException(
                        $"{name}.gz from {uri} has the wrong content (SHA-256 {actual[..12]}…, expected {expected[..12]}…); nothing was installed.");
                results.Add(new DownloadedFile(name, destination, actual, AlreadyPresent: false));
            }
            foreach (var (temp, destination) in pending) File.Move(temp, destination, overwrite: true);
            pending.Clear();
            return results;
        }
        finally
        {
            foreach (var (temp, _) in pending) File.Delete(temp);
        }
    }

    /// <summary>One run's client, limits and cancellation: the deadline's token cancels every wait, the user's too.</summary>
    private sealed class Download(HttpClient client, IProgress<DownloadProgress>? progress, DownloadLimits limits,
        CancellationToken deadline, CancellationToken user)
    {
        public async Task FetchWithRetriesAsync(Uri uri, string temp, string name)
        {
            for (int attempt = 1; ; attempt++)
            {
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(deadline))
                {
                    try
                    {
                        await FetchAsync(uri, temp, name, attempt, stall);
                        return;
                    }
                    catch (OperationCanceledException) when (user.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
                    {
                        throw PastDeadline(name, e);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
                    {
                        string reason = e is OperationCanceledException ? $"no data for {Describe(limits.Stall)}" : e.Message.TrimEnd('.');
                        if (e is HttpRequestException { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError } || attempt >= Attempts)
                            throw new RuntimeFailureException($"{name}.gz: download from {uri} failed after {attempt} attempt(s) ({reason}).", e);
                    }
                }
                try { await Task.Delay(limits.RetryDelay * attempt, deadline); }
                catch (OperationCanceledException e) when (!user.IsCancellationRequested) { throw PastDeadline(name, e); }
            }
        }

        private RuntimeFailureException PastDeadline(string name, Exception e) =>
            new($"{name}.gz: the download did not finish within its deadline of {Describe(limits.Deadline)}; nothing was installed.", e);

        /// <summary>One attempt. <paramref name="stall"/> is cancelled after <see cref="DownloadLimits.Stall"/> without a byte.</summary>
        private async Task FetchAsync(Uri uri, string temp, string name, int attempt, CancellationTokenSource stall)
        {
            long received = 0, lastByte = Stopwatch.GetTimestamp();
            long? total = null;
            stall.CancelAfter(limits.Stall);
            // While nothing arrives (no answer, no headers, a body that stopped), say how long the wait has been.
            using var waitReports = new Timer(_ =>
            {
                var waiting = Stopwatch.GetElapsedTime(Interlocked.Read(ref lastByte));
                if (waiting >= WaitReportInterval) progress?.Report(new DownloadProgress(name, Interlocked.Read(ref received), total, attempt, waiting, limits.Stall));
            }, null, WaitReportInterval, WaitReportInterval);

            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, stall.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new RuntimeFailureException($"{name}.gz: not found at {uri} (HTTP 404); check --mirror.");
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            total = response.Content.Headers.ContentLength;
            if (total > limits.MaxFileBytes)
                throw new RuntimeFailureException($"{name}.gz: {uri} announces {InputFiles.Size(total.Value)}, more than the {InputFiles.Size(limits.MaxFileBytes)} any Fashion-MNIST file has.");
            await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, stall.Token)) > 0)
            {
                stall.CancelAfter(limits.Stall);
                Interlocked.Exchange(ref lastByte, Stopwatch.GetTimestamp());
                await file.WriteAsync(buffer.AsMemory(0, read), stall.Token);
                Interlocked.Add(ref received, read);
                if (received > limits.MaxFileBytes)
                    throw new RuntimeFailureException($"{name}.gz: {uri} sent more than the {InputFiles.Size(limits.MaxFileBytes)} any Fashion-MNIST file has.");
                progress?.Report(new DownloadProgress(name, received, total, attempt, TimeSpan.Zero, limits.Stall));
            }
            if (total is long length && received != length)
                throw new IOException($"connection closed after {received} of {length} bytes");
        }
    }

    /// <summary>A limit as a user would say it: "30 s", "10 min".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0.###} s";

    /// <summary>
    /// SHA-256 of the decompressed content of a .gz file, or null when it is not valid gzip or inflates past what any
    /// Fashion-MNIST file holds (a file of that size cannot be the right one, and hashing a gzip bomb would never end).
    /// </summary>
    private static string? TryHash(string gzPath)
    {
        const long MaxContentBytes = 64L * 1024 * 1024;
        try
        {
            using var file = File.OpenRead(gzPath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            for (int read; (read = gzip.Read(buffer)) > 0;)
            {
                if ((total += read) > MaxContentBytes) return null;
                hash.AppendData(buffer, 0, read);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
