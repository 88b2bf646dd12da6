namespace FashionCnn.Reports;

/// <summary>Where a verb writes its pictures.</summary>
public static class OutputFolder
{
    /// <summary>
    /// The folder the user asked for, or else the default one; a default that cannot be written (a read-only
    /// share holding the model, say) falls back to ./models, while a folder the user named must work or fail.
    /// </summary>
    public static string Resolve(string? requested, string preferred)
    {
        if (requested is not null)
        {
            string folder = Path.GetFullPath(requested);
            return CanWrite(folder) ? folder : throw new FashionCnnException($"--out {requested}: cannot create or write to this folder.");
        }
        if (CanWrite(preferred)) return preferred;
        string fallback = Path.GetFullPath("models");
        return CanWrite(fallback) ? fallback : throw new FashionCnnException($"cannot write to {preferred} or {fallback}; say where with --out.");
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".fashioncnn-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
