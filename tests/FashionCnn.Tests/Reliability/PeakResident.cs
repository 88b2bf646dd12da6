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

    /// <summary>Another process's peak resident size in bytes; null once it has exited (a zombie has no memory to report).</summary>
    public static long? Of(int processId)
    {
        try { return Field("VmHWM:", $"/proc/{processId}/status"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { return null; }
    }

    private static long Field(string name, string status = "/proc/self/status")
    {
        string line = File.ReadLines(status).First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
