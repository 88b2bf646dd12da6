using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;

namespace FashionCnn.Data;

/// <summary>Bytes received of one file, for a progress line.</summary>
public sealed record DownloadProgress(string File, long Received, long? Total, int Attempt);

/// <summary>What happened to each of the four files.</summary>
public sealed record DownloadedFile(string Name, string Path, string Sha256, bool AlreadyPresent);

/// <summary>
/// Fetches the four Fashion-MNIST files when the repository's copy is absent. Each file is downloaded to a
/// temporary file beside its destination, its decompressed content is checked against the published
/// SHA-256, and only when all four check out are they moved into place; a dropped connection is retried,
/// a missing file (404) or a wrong checksum is not.
/// </summary>
public static class DataDownload
{
    /// <summary>Zalando's own mirror of the data set, as listed in the project's README.</summary>
    public const string CanonicalMirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    public const int Attempts = 3;

    public static async Task<IReadOnlyList<DownloadedFile>> RunAsync(string targetDir, string mirror, IProgress<DownloadProgress>? progress,
        CancellationToken cancellation, HttpMessageHandler? handler = null, TimeSpan? retryDelay = null)
    {
        if (!Uri.TryCreate(mirror.EndsWith('/') ? mirror : mirror + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new FashionCnnException($"--mirror {mirror}: not an http or https address.");
        Directory.CreateDirectory(targetDir);
        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.Timeout = TimeSpan.FromMinutes(5);

        var results = new List<DownloadedFile>();
        var pending = new List<(string Temp, string Destination)>();
        try
        {
            foreach (string name in FashionMnist.FileNames)
            {
                string destination = Path.Combine(targetDir, name + ".gz");
                string expected = FashionMnist.PublishedSha256[name];
                if (File.Exists(destination) && TryHash(destination) == expected)
                {
                    results.Add(new DownloadedFile(name, destination, expected, AlreadyPresent: true));
                    continue;
                }
                string temp = Path.Combine(targetDir, $".{name}.gz.{Environment.ProcessId}.download.tmp");
                pending.Add((temp, destination));
                var uri = new Uri(baseUri, name + ".gz");
                await FetchWithRetriesAsync(client, uri, temp, name, progress, cancellation, retryDelay ?? TimeSpan.FromSeconds(2));
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

    private static async Task FetchWithRetriesAsync(HttpClient client, Uri uri, string temp, string name,
        IProgress<DownloadProgress>? progress, CancellationToken cancellation, TimeSpan retryDelay)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellation);
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new RuntimeFailureException($"{name}.gz: not found at {uri} (HTTP 404); check --mirror.");
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
                long? total = response.Content.Headers.ContentLength;
                await using var body = await response.Content.ReadAsStreamAsync(cancellation);
                await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
                var buffer = new byte[81920];
                long received = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellation)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellation);
                    received += read;
                    progress?.Report(new DownloadProgress(name, received, total, attempt));
                }
                if (total is long length && received != length)
                    throw new IOException($"connection closed after {received} of {length} bytes");
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                if (e is HttpRequestException { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError } || attempt >= Attempts)
                    throw new RuntimeFailureException($"{name}.gz: download from {uri} failed after {attempt} attempt(s) ({e.Message.TrimEnd('.')}).", e);
                await Task.Delay(retryDelay * attempt, cancellation);
            }
        }
    }

    /// <summary>SHA-256 of the decompressed content of a .gz file, or null when it is not valid gzip.</summary>
    private static string? TryHash(string gzPath)
    {
        try
        {
            using var file = File.OpenRead(gzPath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return Convert.ToHexStringLower(SHA256.HashData(gzip));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
