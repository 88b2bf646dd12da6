namespace FashionCnn.Tests.Reliability;

/// <summary>
/// The process's peak resident memory (VmHWM), which Linux lets a process reset by writing 5 to /proc/self/clear_refs,
/// so that the peak of one piece of work can be read.
/// </summary>
internal static class PeakResident
{
    /// <summary>Resets the peak to the present resident size and returns that size in bytes; null where the reset is not allowed.</summary>
    public static long? Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return Field("VmRSS:");
    }

    /// <summary>The peak resident size since the last reset, in bytes.</summary>
    public static long Bytes() => Field("VmHWM:");

    private static long Field(string name)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
