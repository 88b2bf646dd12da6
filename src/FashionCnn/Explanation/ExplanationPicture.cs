using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Plotting;
using FashionCnn.Reports;

namespace FashionCnn.Explanation;

/// <summary>The picture of an explanation: its file name, its title and captions, drawn by <see cref="ExplanationGrid"/>.</summary>
public static class ExplanationPicture
{
    /// <summary>Where the picture goes, checked against every input and output before any map is made.</summary>
    public static string PathFor(CommandFiles paths, string outDir, ExplainOptions options, string modelName, string? layerName, string choice) =>
        paths.OutputIn("--out", options.OutDir, Path.Combine(outDir, FileName(options, modelName, layerName, choice)));

    /// <param name="images">The images drawn: the first <see cref="Explainer.MaxDrawn"/> of <see cref="ExplanationStart.Count"/>.</param>
    public static void Save(ExplainOptions options, string modelName, ExplanationStart start, IReadOnlyList<ExplainedImage> images, ImageShape shape)
    {
        var shown = images.Select(image => new ExplanationCell(
            image.Pixels.ToArray(), shape,
            AttributionMap.Upsample(image.Map, start.MapHeight, start.MapWidth, shape.Height, shape.Width),
            Caption(image))).ToList();
        ExplanationGrid.Save(start.Picture, Title(options, modelName, start, images), options.Method.Title(), shown);
    }

    /// <summary>
    /// Names that say what was explained and never collide between models, methods, layers, inputs or classes:
    /// best-cnn-model-gradcam-conv2d_1-test-0-to-9.png, best-cnn-model-occlusion-4x4-stride-2-val-misclassified-32.png.
    /// </summary>
    public static string FileName(ExplainOptions options, string modelName, string? layerName, string choice)
    {
        var parts = new List<string> { Path.GetFileNameWithoutExtension(modelName), options.Method.Name() };
        if (layerName is not null) parts.Add(FileNamePart.From(layerName));
        if (options.Method == ExplainMethod.Occlusion) parts.Add($"{options.Patch}x{options.Patch}-stride-{options.Stride}");
        parts.Add(Inputs(options));
        if (choice != ClassChoice.Predicted) parts.Add($"class-{FileNamePart.From(choice)}");
        return string.Join('-', parts) + ".png";
    }

    private static string Inputs(ExplainOptions options)
    {
        string split = options.Split.Name();
        if (options.Misclassified is int count) return $"{split}-misclassified-{count}";
        var indices = options.Indices;
        if (indices.Count == 1) return $"{split}-{indices[0]}";
        if (indices.Count > 1)
            return indices.Zip(indices.Skip(1)).All(p => p.Second == p.First + 1)
                ? $"{split}-{indices[0]}-to-{indices[^1]}"
                : $"{split}-{indices.Count}-images-{Fingerprint(indices.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}";
        return options.Files.Count == 1
            ? Path.GetFileNameWithoutExtension(options.Files[0])
            : $"{options.Files.Count}-pictures-{Fingerprint(options.Files.Select(Path.GetFullPath))}";
    }

    /// <summary>
    /// Eight hex digits of the SHA-256 of the inputs in their order: two lists of as many pictures or indices get two
    /// names (both were once "3-pictures"), and the same list the same name, as every other output of the tool.
    /// </summary>
    private static string Fingerprint(IEnumerable<string> inputs) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', inputs))))[..8];

    private static string Title(ExplainOptions options, string modelName, ExplanationStart start, IReadOnlyList<ExplainedImage> images)
    {
        string what = $"{start.Description}, {start.ClassChoice} class — {modelName}";
        if (start.Mistakes is int total)
            what += start.Count == 0 ? $": no mistakes on {options.Split.Name()}" : $": the {start.Count} most confident of {total:N0} mistakes on {options.Split.Name()}";
        if (start.Count == 1)
        {
            var image = images[0];
            string label = image.Label is { } l ? $" (true: {l.Name})" : "";
            string explained = image.Explained.Class == image.Predicted.Class ? "" : $"; map for {image.Explained.Name} {Percent.Any(image.Explained.Probability)}";
            return $"{Path.GetFileName(image.Input)}: {image.Predicted.Name} {Percent.Any(image.Predicted.Probability)}{label}{explained} — {what}";
        }
        string shown = start.Count > images.Count ? $" (the first {images.Count} of {start.Count:N0})" : "";
        return $"{what}{shown}";
    }

    /// <summary>Name (or the true class), prediction, and the explained class when it is not the predicted one.</summary>
    private static string Caption(ExplainedImage image)
    {
        string name = Path.GetFileName(image.Input);
        string first = image.Label is { } label ? $"{name}\ntrue: {label.Name}" : name;
        string caption = $"{first}\npred: {image.Predicted.Name} {Percent.Any(image.Predicted.Probability)}";
        return image.Explained.Class == image.Predicted.Class
            ? caption
            : $"{caption}\nmap: {image.Explained.Name} {Percent.Any(image.Explained.Probability)}";
    }
}
