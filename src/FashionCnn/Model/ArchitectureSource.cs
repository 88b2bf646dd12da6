using FashionCnn.Files;

namespace FashionCnn.Model;

/// <summary>One of the architectures that ship with the tool: the book's models, by chapter.</summary>
public sealed record BundledArchitecture(string Name, string Description);

/// <summary>
/// Where an architecture comes from: a bundled name (<see cref="Bundled"/>), a Keras JSON config file (what
/// <c>model.to_json()</c> writes, and what <c>config.json</c> inside a .keras holds), or any model file the tool
/// opens, of which only the layers are used. The bundled ones are Keras JSON files in Model/Architectures/.
/// </summary>
public static class ArchitectureSource
{
    /// <summary>The book's CNN: what <c>train</c> builds when no architecture is named.</summary>
    public const string Default = "8-2-cnn";

    public static readonly IReadOnlyList<BundledArchitecture> Bundled =
    [
        new("7-1-logistic-regression", "7-1: Dense(10, softmax) on the 784 pixels (input (784,)), the book's first network"),
        new("7-2-dense-sigmoid", "7-2: Dense(100, sigmoid) → Dense(10, softmax), input (784,)"),
        new("7-2-dense-relu", "7-2: Flatten → Dense(100, relu) → Dense(10, softmax), input (28, 28)"),
        new("7-3-dropout", "7-3: Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax), input (28, 28)"),
        new("8-2-cnn", "8-2: Conv2D(32) → MaxPooling2D → Conv2D(64) → MaxPooling2D → Flatten → Dense(100) → Dropout(0.4) → Dense(10)"),
        new("8-2-cnn-plus", "not the book's: 8-2's CNN with two Conv2D a block (32, 32 | 64, 64) and a third block (128), BatchNormalization "
            + "after each Conv2D and augmentation (RandomFlip horizontal, RandomTranslation 0.05); train it longer, with a schedule "
            + "(README: Beyond the book's accuracy)"),
    ];

    /// <summary>
    /// The bundled architecture <paramref name="name"/> names, in any case (8-2-CNN is 8-2-cnn, as --split Test is test),
    /// or null when it names none.
    /// </summary>
    public static BundledArchitecture? Find(string name) =>
        Bundled.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The Keras JSON of a bundled architecture, or null when <paramref name="name"/> is not one.</summary>
    public static string? BundledJson(string name)
    {
        if (Find(name) is not { } bundled) return null;
        using var stream = typeof(ArchitectureSource).Assembly.GetManifestResourceStream($"architectures/{bundled.Name}.json")
            ?? throw new InvalidOperationException($"bundled architecture {bundled.Name} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a bundled architecture or a Keras JSON file; null when <paramref name="source"/> is a model file to open instead.</summary>
    public static ModelSpec? TryReadConfig(string source)
    {
        if (BundledJson(source) is { } json) return KerasModelConfig.Parse(json, Find(source)!.Name);
        RequireOption(source, "--architecture");
        // A JSON config starts with '{' (after white space or a byte-order mark); model files start with binary signatures.
        byte[] head = InputFiles.ReadHead(source, 64, "--architecture");
        int first = Array.FindIndex(head, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF));
        if (first < 0 || head[first] != (byte)'{') return null;
        return KerasModelConfig.Parse(InputFiles.ReadText(source, KerasJsonLimit, "--architecture").TrimStart('\uFEFF'), Path.GetFileName(source));
    }

    /// <summary>
    /// Checks an architecture option without reading it: null (not given) or a bundled name pass; anything else must
    /// name a regular file, checked for its kind before anything opens it.
    /// </summary>
    public static void RequireOption(string? source, string option)
    {
        if (source is null || Find(source) is not null) return;
        PathText.RequireUsable(source, option);
        if (FileKinds.Of(source) == FileKind.Missing && new FileInfo(source).LinkTarget is null)
            throw new FashionCnnException(
                $"{option} {source}: neither a bundled architecture ({string.Join(", ", Bundled.Select(b => b.Name))}) nor an existing file.");
        InputFiles.Require(source, option);
    }

    /// <summary>A Keras model config is kilobytes (the book's CNN: 6 KB); a "config" a thousand times larger is not one.</summary>
    public const long KerasJsonLimit = 8L * 1024 * 1024;
}
