using System.Diagnostics;

namespace FashionCnn.Compute;

/// <summary>How much memory the process holds, as bench and run.json report it.</summary>
public static class ResidentMemory
{
    /// <summary>The process's peak resident set (VmHWM on Linux; the runtime's peak working set elsewhere).</summary>
    public static double PeakMegabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (string line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return Files.ByteSize.Megabytes(Process.GetCurrentProcess().PeakWorkingSet64);
    }
}
