using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

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

    // The largest file this reader accepts once decompressed: 4x the 47 MB training images, so a forged
    // size field or a gzip bomb ends in an error instead of exhausting memory.
    private const long MaxDecompressedBytes = 200L * 1024 * 1024;

    public static IdxArray Read(string path, int expectedMagic)
    {
        string name = System.IO.Path.GetFileName(path);
        byte[] content = ReadDecompressed(path, name);
        if (content.Length < 4)
            throw new FashionCnnException($"{name}: file is too short to be an IDX file ({content.Length} bytes).");

        int magic = BinaryPrimitives.ReadInt32BigEndian(content);
        if (magic != expectedMagic)
            throw new FashionCnnException(
                $"{name}: wrong magic number {magic} (0x{magic:x8}); expected {expectedMagic} for an IDX {Kind(expectedMagic)} file.");

        int rank = expectedMagic & 0xff;
        int headerLength = 4 + 4 * rank;
        if (content.Length < headerLength)
            throw new FashionCnnException($"{name}: truncated header ({content.Length} bytes, expected at least {headerLength}).");

        var shape = new int[rank];
        long expectedLength = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * d));
            if (shape[d] < 0)
                throw new FashionCnnException($"{name}: negative size {shape[d]} in dimension {d}.");
            expectedLength *= shape[d];
            if (expectedLength > MaxDecompressedBytes)
                throw new FashionCnnException($"{name}: header declares more data than any Fashion-MNIST file holds.");
        }

        long actualLength = content.Length - headerLength;
        if (actualLength != expectedLength)
            throw new FashionCnnException(actualLength < expectedLength
                ? $"{name}: truncated: header declares {expectedLength} data bytes, file holds {actualLength}."
                : $"{name}: {actualLength - expectedLength} unexpected bytes after the {expectedLength} the header declares.");

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        return new IdxArray(path, shape, content[headerLength..], sha256);
    }

    private static string Kind(int magic) => magic == LabelMagic ? "label" : magic == ImageMagic ? "image" : "data";

    private static byte[] ReadDecompressed(string path, string name)
    {
        try
        {
            using var file = File.OpenRead(path);
            bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream source = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = source.Read(chunk)) > 0)
            {
                if (buffer.Length + read > MaxDecompressedBytes)
                    throw new FashionCnnException($"{name}: larger than {MaxDecompressedBytes / (1024 * 1024)} MB once decompressed; not a Fashion-MNIST file.");
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
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
}
