namespace FashionCnn.Files;

/// <summary>Sizes as this tool prints them: a MB is 2²⁰ bytes, a kB 2¹⁰ (what <c>/usr/bin/time</c> and <c>ls -h</c> mean).</summary>
public static class ByteSize
{
    public const long Megabyte = 1 << 20;

    public static double Megabytes(long bytes) => bytes / (double)Megabyte;

    /// <summary>"1.3 MB", "4.0 kB" or "12 bytes".</summary>
    public static string Text(long bytes) =>
        bytes >= Megabyte ? $"{Megabytes(bytes):F1} MB" : bytes >= 1024 ? $"{bytes / 1024.0:F1} kB" : $"{bytes} bytes";
}
