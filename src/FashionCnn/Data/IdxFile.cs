using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>One array read from an IDX file: its shape, its bytes and the SHA-256 of the decompressed file.</summary>
public sealed record IdxArray(string Path, int[] Shape, byte[] Data, string Sha256);

/// <summary>
/// Reads LeCun's IDX format (the MNIST and Fashion-MNIST files), plain or gzip-compressed: a big-endian
/// magic number 0x0000TTNN (TT = 0x08 for unsigned bytes, NN = number of dimensions), NN big-endian
/// 32-bit sizes, then the bytes in row-major order. Every field is checked before it is trusted.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of a label file: unsigned bytes, one dimension.</summary>
    public const int LabelMagic = 0x0801;

    /// <summary>Magic number of an image file: unsigned bytes, three dimensions.</summary>
    public const int ImageMagic = 0x0803;

    // The largest data this reader accepts: EMNIST's largest image file (by_class, 549 MB) with room to spare,
    // so a forged size field or a gzip bomb ends in an error instead of exhausting memory.
    private const long MaxDataBytes = 1L << 30;

    /// <summary>
    /// Reads and checks the file. The data array is allocated once, at the size the header declares, and
    /// filled straight from the (decompressing) stream; the SHA-256 covers the whole decompressed file.
    /// </summary>
    public static IdxArray Read(string path, int expectedMagic)
    {
        string name = System.IO.Path.GetFileName(path);
        try
        {
            // Checked before opening: a pipe would block forever, a device never end.
            using var file = InputFiles.OpenRead(path, FashionMnist.DataFileOption);
            bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream source = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var shape = ReadShape(source, expectedMagic, name, sha256);
            var data = ReadData(source, shape.Aggregate(1L, (product, size) => product * size), name, sha256);
            return new IdxArray(path, shape, data, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        catch (InvalidDataException e)
        {
            throw new FashionCnnException($"{name}: corrupt gzip data ({e.Message.TrimEnd('.')}).", e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FashionCnnException($"{name}: file not found at {path}.", e);
        }
        catch (IOException e)
        {
            throw new FashionCnnException($"{name}: cannot read ({e.Message.TrimEnd('.')}).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FashionCnnException($"{name}: permission denied ({path}).", e);
        }
    }

    /// <summary>The header: the magic number <paramref name="expectedMagic"/>, then one size per dimension, none negative, their product bounded.</summary>
    private static int[] ReadShape(Stream source, int expectedMagic, string name, IncrementalHash sha256)
    {
        int rank = expectedMagic & 0xff;
        var header = new byte[4 + 4 * rank];
        int headerRead = source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (headerRead >= 4)
        {
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
                throw new FashionCnnException(
                    $"{name}: wrong magic number {magic} (0x{magic:x8}); expected {expectedMagic} for an IDX {Kind(expectedMagic)} file.");
        }
        if (headerRead < header.Length)
            throw new FashionCnnException(headerRead < 4
                ? $"{name}: file is too short to be an IDX file ({headerRead} bytes)."
                : $"{name}: truncated header ({headerRead} bytes, expected {header.Length}).");
        sha256.AppendData(header);

        var shape = new int[rank];
        long length = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * d));
            if (shape[d] < 0)
                throw new FashionCnnException($"{name}: negative size {shape[d]} in dimension {d}.");
            length *= shape[d];
            if (length > MaxDataBytes)
                throw new FashionCnnException($"{name}: header declares more data than the 1 GiB this tool reads from one IDX file.");
        }
        return shape;
    }

    /// <summary>Exactly <paramref name="expectedLength"/> bytes, with nothing after them.</summary>
    private static byte[] ReadData(Stream source, long expectedLength, string name, IncrementalHash sha256)
    {
        var data = new byte[expectedLength];
        int read = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < expectedLength)
            throw new FashionCnnException($"{name}: truncated: header declares {expectedLength} data bytes, file holds {read}.");
        long extra = 0;
        var probe = new byte[4096];
        for (int n; (n = source.Read(probe)) > 0 && extra <= MaxDataBytes;) extra += n;
        if (extra > 0)
            throw new FashionCnnException($"{name}: {extra} unexpected bytes after the {expectedLength} the header declares.");
        sha256.AppendData(data);
        return data;
    }

    private static string Kind(int magic) => magic == LabelMagic ? "label" : magic == ImageMagic ? "image" : "data";
}
