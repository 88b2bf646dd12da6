using FashionCnn.Files;
using SkiaSharp;

namespace FashionCnn.Prediction;

/// <summary>A decoded picture: width × height RGBA pixels, not premultiplied.</summary>
public sealed record DecodedImage(int Width, int Height, byte[] Rgba);

/// <summary>
/// Decodes a user's picture with SkiaSharp, carefully, because it comes from anywhere: only PNG and JPEG,
/// recognised by their signatures rather than the file name; the file size and the declared dimensions are
/// checked before a single pixel is decoded; and a decode that stops early (a truncated file) is an error
/// rather than a half-grey picture.
/// </summary>
public static class ImageFile
{
    public const long MaxFileBytes = 20L * 1024 * 1024;
    public const int MaxSide = 4096;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];
    private static readonly byte[] JpegSignature = [0xff, 0xd8, 0xff];

    public static DecodedImage Decode(string path)
    {
        // Checked before opening: a pipe or a device given as a picture would block or never end.
        var info = InputFiles.Require(path, "image");
        if (info.Length > MaxFileBytes)
            throw new FashionCnnException($"{path}: {ByteSize.Megabytes(info.Length):F1} MB is over the {ByteSize.Megabytes(MaxFileBytes):F0} MB limit for images.");
        byte[] bytes = InputFiles.ReadAllBytes(path, MaxFileBytes, "image");
        string kind = bytes.AsSpan().StartsWith(PngSignature) ? "PNG" : bytes.AsSpan().StartsWith(JpegSignature) ? "JPEG" : "";
        if (kind == "") throw new FashionCnnException($"{path}: not a PNG or JPEG image ({Describe(bytes)}).");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new FashionCnnException($"{path}: the {kind} header is damaged; the image cannot be decoded.");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width < 1 || height < 1 || width > MaxSide || height > MaxSide)
            throw new FashionCnnException($"{path}: {width}×{height} pixels; images may be at most {MaxSide}×{MaxSide}.");

        // libjpeg fills the rows a JPEG's data never reaches with grey and reports success (a header claiming 4096×4096
        // over a 112×112 body was classified "Bag 99.65 %"). Every 8×8 block of a Huffman-coded JPEG costs at least one
        // bit (its DC code), so data smaller than that cannot cover the size the header declares.
        long blocks = (width + 7L) / 8 * ((height + 7L) / 8);
        if (kind == "JPEG" && bytes.Length * 8L < blocks)
            throw new FashionCnnException($"{path}: the JPEG header declares {width}×{height} pixels, more than its {bytes.Length:N0} bytes of data can hold; refusing a partly decoded image.");
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[target.BytesSize];
        var result = codec.GetPixels(target, pixels);
        if (result != SKCodecResult.Success)
            throw new FashionCnnException(result == SKCodecResult.IncompleteInput
                ? $"{path}: the {kind} data ends early (truncated file); refusing a partly decoded image."
                : $"{path}: the {kind} data cannot be decoded ({result}).");
        return new DecodedImage(width, height, pixels);
    }

    private static string Describe(byte[] bytes) =>
        bytes.Length == 0 ? "empty file"
        : bytes.AsSpan().StartsWith("GIF8"u8) ? "a GIF"
        : bytes.AsSpan().StartsWith("BM"u8) ? "a BMP"
        : bytes.AsSpan().StartsWith("RIFF"u8) ? "a RIFF/WebP file"
        : "unrecognised content";
}
