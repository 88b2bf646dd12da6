using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Plotting;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Reports;

/// <summary>What <c>visualize --augmentations</c> drew: the model's augmentation layers and the picture.</summary>
public sealed record AugmentationPreviewResult(IReadOnlyList<RandomAugmentation> Layers, string Sample, string Path);

/// <summary>
/// Keras' augmentation tutorial's figure: one image and 15 versions of it as the model's augmentation layers change it
/// in training (each a fresh draw, seeded by --seed), on one grey scale so a darker fill or a contrast change shows.
/// </summary>
public static class AugmentationPreview
{
    private const int Versions = 15, Columns = 4;

    public static AugmentationPreviewResult Create(VisualizeOptions options)
    {
        var (outDir, paths) = LayerVisualization.CheckPaths(options);
        string modelName = System.IO.Path.GetFileName(options.Model.Path);
        var model = ModelFile.LoadClassifier(options.Model.Path, options.Model.Architecture);
        using var net = model.Net;
        var layers = net.Spec.Layers.TakeWhile(l => l is RandomAugmentation).Cast<RandomAugmentation>().ToList();
        if (layers.Count == 0)
            throw new FashionCnnException(net.Spec.Augmentations.Any()
                ? $"{modelName}: its augmentation layers do not come first; --augmentations draws the ones that take the input image."
                : $"{modelName} has no augmentation layers (RandomFlip, RandomTranslation, RandomRotation, RandomZoom, RandomContrast); --augmentations draws what they do in training.");

        var (_, bytes, label) = LayerVisualization.Sample(options, net.Spec, model.ClassNames.Count, modelName);
        string sample = $"{options.Split.Name()}[{options.Sample}]";

        double top = net.Spec.TakesRawPixels ? 255 : 1;
        var images = Augmented(net, layers, bytes, options.Seed, top);
        string path = paths.OutputIn("--out", options.OutDir, System.IO.Path.Combine(outDir, $"augmentations-{options.Split.Name()}-{options.Sample}.png"));
        ImageGrid.Save(path, $"{sample} ({model.ClassNames[label]}) and {Versions} draws of {string.Join(" → ", layers.Select(l => l.KerasClass))} — {modelName}",
            images, Columns, new ScottPlot.Colormaps.GrayscaleReversed(), new ScottPlot.Range(0, top), cellPixels: 150);
        return new AugmentationPreviewResult(layers, sample, path);
    }

    /// <summary>The image as the model takes it, then <see cref="Versions"/> draws of the layers in order; an RGB image in its colours.</summary>
    private static List<GridImage> Augmented(SequentialNet net, IReadOnlyList<RandomAugmentation> layers, byte[] bytes, int seed, double top)
    {
        using var scope = NewDisposeScope();
        var image = net.InputFromPixels(tensor(bytes, net.PixelShape(1), ScalarType.Byte)).contiguous();
        var batch = image.expand(Versions, -1, -1, -1).contiguous();
        var generator = new Generator((ulong)seed);
        foreach (var layer in layers) batch = layer.Augment(batch, generator);
        var all = cat([image, batch], 0);
        int h = (int)all.shape[2], w = (int)all.shape[3];
        string Caption(int i) => i == 0 ? "original" : $"draw {i}";
        if (all.shape[1] == 3)
        {
            // Back to bytes in (N, H, W, C) order, as the data set holds them.
            byte[] rgb = all.permute(0, 2, 3, 1).mul(255 / top).round().clamp(0, 255).to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
            return Enumerable.Range(0, Versions + 1)
                .Select(i => GridImage.Colour(rgb.AsSpan(i * h * w * 3, h * w * 3).ToArray(), h, w, Caption(i))).ToList();
        }
        float[] values = all.mean([1]).contiguous().data<float>().ToArray();
        return Enumerable.Range(0, Versions + 1).Select(i => new GridImage(values.AsSpan(i * h * w, h * w).ToArray(), h, w, Caption(i))).ToList();
    }
}
