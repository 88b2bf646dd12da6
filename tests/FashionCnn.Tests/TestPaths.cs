using System.Reflection;

namespace FashionCnn.Tests;

/// <summary>Where the repository and the built executable are, as recorded at build time.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string CliDirectory { get; } = Path.GetFullPath(Metadata("CliDirectory"));

    public static string DataDirectory { get; } = Path.Combine(RepositoryRoot, "data", "fashion-mnist");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>A fresh folder under the system temp folder, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fashioncnn-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Tests that measure the process (memory, threads) run in this collection, after and apart from all others.</summary>
[CollectionDefinition(nameof(Serial), DisableParallelization = true)]
public sealed class Serial;
