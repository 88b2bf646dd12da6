using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>
/// The decoded images of a folder data set, kept as one uint8 file in a cache folder outside the data, so that a
/// second run reads one file instead of decoding every picture again. The key covers each file's path, size and
/// modification time and the options that shape the images, so any change to the folder or the options misses.
/// A cache that cannot be written or read is passed over: it only ever saves time.
/// </summary>
public static class DecodedSetCache
{
    public const string EnvironmentVariable = "FASHIONCNN_CACHE";
    private const string Magic = "fashioncnn-decoded/1";

    public static string Folder(DataOptions options) =>
        options.CacheDir
        ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable))
        ?? Path.Combine(NonEmpty(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"))
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "fashioncnn");

    public static string Key(ImageFolderLayout layout, DataOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(Magic);
        Add($"{layout.Root}|{options.ImageSize}|{options.ColorMode}|{options.Strict}|{string.Join(",", layout.ClassNames)}|{layout.Skipped}");
        foreach (var (part, entries) in new[] { ("train", layout.Train), ("test", layout.Test ?? []) })
            foreach (var e in entries)
                Add($"{part}|{e.Label}|{e.Path}|{e.Length}|{e.Modified.Ticks}");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private sealed record Header(string Magic, string Kind, string Location, string[] Classes, int Height, int Width, int Channels,
        int Train, int? Test, SkippedFiles Skipped);

    public static DataParts? TryRead(string key, DataOptions options)
    {
        string path = PathOf(key, options);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            var header = JsonSerializer.Deserialize<Header>(reader.ReadString());
            if (header is null || header.Magic != Magic) return null;
            var shape = new ImageShape(header.Height, header.Width, header.Channels);
            var train = ReadSet(reader, header.Train, shape);
            var test = header.Test is int n ? ReadSet(reader, n, shape) : null;
            return new DataParts(header.Kind, header.Location, train, test, header.Classes, key, header.Skipped) { FromCache = true };
        }
        catch (Exception e) when (e is IOException or JsonException or EndOfStreamException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Write(string key, DataParts parts, DataOptions options)
    {
        try
        {
            Directory.CreateDirectory(Folder(options));
            var header = new Header(Magic, parts.Kind, parts.Location, [.. parts.ClassNames], parts.Shape.Height, parts.Shape.Width, parts.Shape.Channels,
                parts.Train.Count, parts.Test?.Count, parts.Skipped);
            AtomicFile.Write(PathOf(key, options), stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                writer.Write(JsonSerializer.Serialize(header));
                foreach (var set in new[] { parts.Train, parts.Test })
                    if (set is not null)
                    {
                        writer.Write(set.Labels);
                        writer.Write(set.Pixels);
                    }
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static LabeledImages ReadSet(BinaryReader reader, int count, ImageShape shape)
    {
        byte[] labels = reader.ReadBytes(count);
        byte[] pixels = reader.ReadBytes(checked(count * shape.Values));
        if (labels.Length != count || pixels.Length != count * shape.Values) throw new EndOfStreamException();
        return new LabeledImages(pixels, labels, shape);
    }

    private static string PathOf(string key, DataOptions options) => Path.Combine(Folder(options), $"images-{key[..32]}.bin");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
