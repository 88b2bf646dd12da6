using System.Buffers.Binary;
using System.IO.Compression;

namespace FashionCnn.Tests.Data;

/// <summary>Writes small IDX files for tests, byte by byte as the format's specification lays them out.</summary>
internal static class IdxWriter
{
    public static byte[] Bytes(int magic, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < shape.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    public static string Write(string path, byte[] bytes, bool gzip = false)
    {
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Images(string path, int count, int rows = 28, int cols = 28, bool gzip = false)
    {
        var data = new byte[count * rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7);
        return Write(path, Bytes(0x0803, [count, rows, cols], data), gzip);
    }

    public static string Labels(string path, params byte[] labels) => Write(path, Bytes(0x0801, [labels.Length], labels));
}
