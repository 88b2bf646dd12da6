using System.Diagnostics;
using SkiaSharp;

namespace FashionCnn.Data;

/// <summary>
/// Decodes a folder of class folders (<see cref="ImageFolderLayout"/>) with SkiaSharp, in parallel: first every
/// header (sizes and colour types, so that mixed sizes and a set too large for --max-memory are refused before a
/// pixel is decoded), then the pixels, resized bilinearly to the target size and converted to its colour mode.
/// The decoded set is cached (<see cref="DecodedSetCache"/>), so a second run skips all of this.
/// </summary>
public static class ImageFolderDataSource
{
    /// <summary>A picture larger than this on a side is refused rather than decoded (as predict does).</summary>
    public const int MaxSide = 8192;

    private sealed record Header(int Width, int Height, bool Grey);

    public static DataParts Read(string root, DataOptions options)
    {
        var layout = ImageFolderLayout.Scan(root, options.ClassNames);
        string key = DecodedSetCache.Key(layout, options);
        if (DecodedSetCache.TryRead(key, options) is { } cached) return cached;
        var parts = Decode(layout, options, key);
        DecodedSetCache.Write(key, parts, options);
        return parts;
    }

    private static DataParts Decode(ImageFolderLayout layout, DataOptions options, string key)
    {
        var all = layout.Train.Concat(layout.Test ?? []).ToArray();
        var clock = Stopwatch.StartNew();
        var headers = new Header?[all.Length];
        Parallel.For(0, all.Length, i => headers[i] = ReadHeader(all[i].Path));
        var bad = Enumerable.Range(0, all.Length).Where(i => headers[i] is null).ToList();
        RequireDecodable(bad, all, options);

        var size = options.ImageSize ?? CommonSize(all, headers);
        bool allGreyHeaders = headers.All(h => h is null || h.Grey);
        int channels = options.ColorMode?.Channels() ?? (allGreyHeaders ? 1 : 3);
        var shape = new ImageShape(size.Height, size.Width, channels);
        long kept = all.Length - bad.Count;
        RequireMemory(kept, shape, options);

        var pixels = new byte[(long)all.Length * shape.Values];
        var failed = new bool[all.Length];
        int notGrey = 0, done = 0;
        var progress = new Throttled(options.Progress, all.Length, clock);
        Parallel.For(0, all.Length, i =>
        {
            if (headers[i] is { } header)
            {
                var slot = pixels.AsSpan((int)((long)i * shape.Values), shape.Values);
                var result = DecodeInto(all[i].Path, header, shape, slot);
                if (result is null) failed[i] = true;
                else if (result == false) Interlocked.Exchange(ref notGrey, 1);
            }
            progress.Report(Interlocked.Increment(ref done));
        });
        bad = Enumerable.Range(0, all.Length).Where(i => headers[i] is null || failed[i]).ToList();
        RequireDecodable(bad, all, options);
        if (options.ColorMode is null && channels == 3 && notGrey == 0)
            (pixels, shape) = (FirstChannel(pixels, shape), shape with { Channels = 1 });

        var skipped = layout.Skipped with { Undecodable = bad.Count, FirstUndecodable = bad.Count > 0 ? all[bad[0]].Path : null };
        var train = Collect(pixels, all, 0, layout.Train.Count, failed, headers, shape);
        var test = layout.Test is null ? null : Collect(pixels, all, layout.Train.Count, layout.Test.Count, failed, headers, shape);
        return new DataParts("folder of class folders", layout.Root, train, test, layout.ClassNames, key, skipped);
    }

    private static void RequireDecodable(List<int> bad, ImageEntry[] all, DataOptions options)
    {
        if (bad.Count > 0 && options.Strict)
            throw new FashionCnnException($"{all[bad[0]].Path}: does not decode as an image ({bad.Count:N0} such files; without --strict they are skipped).");
        if (bad.Count == all.Length)
            throw new FashionCnnException($"{all[0].Path}: no image of the folder decodes.");
    }

    /// <summary>The one size all images share, or an error naming two that differ.</summary>
    private static ImageSize CommonSize(ImageEntry[] all, Header?[] headers)
    {
        int first = Array.FindIndex(headers, h => h is not null);
        var a = headers[first]!;
        int other = Array.FindIndex(headers, h => h is not null && (h.Width != a.Width || h.Height != a.Height));
        if (other >= 0)
        {
            var b = headers[other]!;
            throw new FashionCnnException(
                $"the images differ in size ({a.Height}×{a.Width} in {all[first].Path}, {b.Height}×{b.Width} in {all[other].Path}); give --image-size H W.");
        }
        return new ImageSize(a.Height, a.Width);
    }

    private static void RequireMemory(long count, ImageShape shape, DataOptions options)
    {
        long bytes = count * shape.Values;
        if (bytes > options.MaxMemoryBytes)
            throw new FashionCnnException(
                $"the {count:N0} images at {shape.Height}×{shape.Width}×{shape.Channels} take {Files.InputFiles.Size(bytes)} decoded, more than --max-memory "
                + $"({Files.InputFiles.Size(options.MaxMemoryBytes)}); give a smaller --image-size or a larger --max-memory.");
        if ((long)(count + 1) * shape.Values > Array.MaxLength)
            throw new FashionCnnException($"the {count:N0} images at {shape.Height}×{shape.Width}×{shape.Channels} take {Files.InputFiles.Size(bytes)}, more than the 2 GB one set may hold.");
    }

    private static Header? ReadHeader(string path)
    {
        try
        {
            using var codec = SKCodec.Create(path);
            if (codec is null) return null;
            var info = codec.Info;
            if (info.Width < 1 || info.Height < 1 || info.Width > MaxSide || info.Height > MaxSide) return null;
            return new Header(info.Width, info.Height, info.ColorType == SKColorType.Gray8);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Decodes one image into its slot; null when it does not decode, else whether it is grey (R = G = B everywhere).</summary>
    private static bool? DecodeInto(string path, Header header, ImageShape shape, Span<byte> slot)
    {
        int sourceChannels = header.Grey ? 1 : 4;
        var info = new SKImageInfo(header.Width, header.Height, header.Grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = new byte[info.BytesSize];
        try
        {
            using var codec = SKCodec.Create(path);
            if (codec is null || codec.GetPixels(info, decoded) != SKCodecResult.Success) return null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        int pixels = header.Width * header.Height;
        bool grey = header.Grey || IsGrey(decoded, pixels);
        Span<byte> converted = sourceChannels == shape.Channels ? decoded : new byte[pixels * shape.Channels];
        if (sourceChannels != shape.Channels) ImageResize.ConvertChannels(decoded, sourceChannels, converted, shape.Channels, pixels);
        ImageResize.Bilinear(converted, header.Height, header.Width, slot, shape.Height, shape.Width, shape.Channels);
        return grey;
    }

    private static bool IsGrey(byte[] rgba, int pixels)
    {
        for (int i = 0; i < pixels; i++)
            if (rgba[4 * i] != rgba[4 * i + 1] || rgba[4 * i] != rgba[4 * i + 2]) return false;
        return true;
    }

    private static byte[] FirstChannel(byte[] rgb, ImageShape shape)
    {
        var grey = new byte[rgb.LongLength / 3];
        for (long i = 0; i < grey.LongLength; i++) grey[i] = rgb[3 * i];
        return grey;
    }

    /// <summary>Images start..start+count-1 of the decoded array, leaving out those that did not decode.</summary>
    private static LabeledImages Collect(byte[] pixels, ImageEntry[] all, int start, int count, bool[] failed, Header?[] headers, ImageShape shape)
    {
        var keep = Enumerable.Range(start, count).Where(i => headers[i] is not null && !failed[i]).ToList();
        var images = new byte[(long)keep.Count * shape.Values];
        var labels = new byte[keep.Count];
        for (int k = 0; k < keep.Count; k++)
        {
            Array.Copy(pixels, (long)keep[k] * shape.Values, images, (long)k * shape.Values, shape.Values);
            labels[k] = (byte)all[keep[k]].Label;
        }
        return new LabeledImages(images, labels, shape);
    }

    /// <summary>Progress from many threads: nothing in the first second, then at most ten reports a second.</summary>
    private sealed class Throttled(IProgress<DecodeProgress>? progress, int total, Stopwatch clock)
    {
        private readonly Lock _gate = new();
        private long _lastTicks = -1;

        public void Report(int done)
        {
            if (progress is null || clock.ElapsedMilliseconds < 1000) return;
            lock (_gate)
            {
                long now = clock.ElapsedMilliseconds;
                if (now - _lastTicks < 100 && done < total) return;
                _lastTicks = now;
                progress.Report(new DecodeProgress(done, total, clock.Elapsed));
            }
        }
    }
}
