using System.Diagnostics;
using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Explanation;

/// <summary>
/// <c>fashioncnn explain</c>: where the network looked. Loads any model the tool opens, gathers the images, computes
/// one map per image with Grad-CAM, saliency or occlusion, and draws the images, maps and overlays in one picture.
/// </summary>
public static class Explainer
{
    /// <summary>
    /// Images per forward and backward pass of Grad-CAM and saliency, as evaluate's. Measured with the book's CNN on
    /// 1,000 test images, one thread, best of five: 32, 64 and 128 cost the same CPU time (0.49–0.51 s), 256 13 % and
    /// 512 35 % more.
    /// </summary>
    public const int BatchSize = 128;

    /// <summary>
    /// The picture shows at most this many images, one row of three panels each, captions readable at the picture's
    /// own size; the rest are in the report (and --json). 32 mistakes drawn were 96 panels of small print.
    /// </summary>
    public const int MaxDrawn = Plotting.ExplanationGrid.MaxColumns;

    /// <summary>Explains the images, telling <paramref name="listener"/> each one as its batch is done, and draws the first <see cref="MaxDrawn"/>.</summary>
    public static ExplanationReport Run(ExplainOptions options, IExplanationListener? listener = null)
    {
        Check(options);
        string outDir = OutputFiles.RequireFolder(options.OutDir, "--out");
        options.Model.Require();
        foreach (string file in options.Files) InputFiles.Require(file, "image");
        if (options.Files.Count == 0) DataSources.RequireOptions(options.Data);
        var paths = new CommandFiles().Input("--model", options.Model.Path).Input("--architecture", options.Model.Architecture).Inputs("image", options.Files)
            .InputData(options.Files.Count > 0 ? null : options.Data);
        var device = ComputeDevice.Prepare(options.Compute);
        var model = ModelFile.LoadClassifier(options.Model.Path, options.Model.Architecture, device.Device);
        using var net = model.Net;
        string modelName = Path.GetFileName(options.Model.Path);
        var shape = ModelFit.ImageShapeOf(net.Spec.InputShape);
        if (options.Patch > Math.Min(shape.Height, shape.Width))
            throw new FashionCnnException($"--patch {options.Patch} is larger than the model's {shape.Height}×{shape.Width} images.");
        using var classifier = TorchSharpClassifier.Borrowing(net, model.ClassNames, device.Device);
        int? layer = LayerFor(net.Spec, options, modelName);
        var choice = ClassChoice.Parse(options.Class, model.ClassNames);
        var (inputs, mistakes) = ExplanationInputs.Gather(options, classifier, net.Spec.InputShape, modelName);
        if (choice.Kind == ClassChoice.True && inputs.Any(i => i.Label is null))
            throw new FashionCnnException("--class true needs data set images (--index or --misclassified); a picture has no true class.");

        string? layerName = layer is int l ? net.Spec.Layers[l].Name : null;
        // Grad-CAM's maps have the layer's resolution; saliency's and occlusion's the image's.
        var mapShape = layer is int convolution ? net.Spec.Shapes()[convolution].Output : new TensorShape(shape.Height, shape.Width);
        var (height, width) = (mapShape[0], mapShape[1]);
        string picture = ExplanationPicture.PathFor(paths, outDir, options, modelName, layerName, choice.Describe(model.ClassNames));
        var start = new ExplanationStart(options.Model.Path, options.Method, Describe(options, layerName, height, width), layerName, height, width,
            choice.Describe(model.ClassNames), inputs.Count, mistakes, picture);
        listener?.Started(start);

        var clock = Stopwatch.StartNew();
        var shown = new List<ExplainedImage>();
        for (int first = 0; first < inputs.Count; first += BatchSize)
            foreach (var image in Explain(net, classifier, device.Device, options, layer, choice, inputs.Skip(first).Take(BatchSize).ToList(), shape))
            {
                if (shown.Count < MaxDrawn) shown.Add(image);
                listener?.Explained(image);
            }
        double seconds = clock.Elapsed.TotalSeconds;

        ExplanationPicture.Save(options, modelName, start, shown, shape);
        return new ExplanationReport(start, shown, seconds);
    }

    /// <summary>One batch's images: their probabilities, the class each map explains, and the maps, on the model's device.</summary>
    private static IEnumerable<ExplainedImage> Explain(SequentialNet net, IClassifier classifier, Device device,
        ExplainOptions options, int? layer, ClassChoice choice, IReadOnlyList<ExplanationInput> inputs, ImageShape shape)
    {
        byte[] bytes = new byte[inputs.Count * shape.Values];
        for (int i = 0; i < inputs.Count; i++) inputs[i].Pixels.Span.CopyTo(bytes.AsSpan(i * shape.Values));
        using var pixels = tensor(bytes, [inputs.Count, shape.Height, shape.Width, shape.Channels], ScalarType.Byte).to(device);
        float[] probabilities = Evaluation.Probabilities(classifier, bytes, inputs.Count, BatchSize);
        var classNames = classifier.ClassNames;
        int classCount = classNames.Count;
        int[] predicted = inputs.Select((_, i) => Evaluation.TopClass(probabilities.AsSpan(i * classCount, classCount))).ToArray();
        int[] explained = inputs.Select((input, i) => choice.For(predicted[i], input.Label)).ToArray();
        var maps = Maps(net, options, layer, pixels, explained);

        return inputs.Select((input, i) =>
        {
            ClassProbability Class(int c) => new(c, classNames[c], probabilities[i * classCount + c]);
            var (scaled, maximum) = AttributionMap.ScaleToUnitMaximum(maps[i]);
            return new ExplainedImage(input.Name, Class(explained[i]), Class(predicted[i]),
                input.Label is int label ? Class(label) : null, input.Inverted, input.Pixels, scaled, maximum);
        }).ToList();
    }

    private static void Check(ExplainOptions options)
    {
        int sources = (options.Files.Count > 0 ? 1 : 0) + (options.Indices.Count > 0 ? 1 : 0) + (options.Misclassified is null ? 0 : 1);
        if (sources != 1)
            throw new FashionCnnException("give image files, --index N… or --misclassified K (one of them).");
        if (options.Misclassified is < 1)
            throw new FashionCnnException($"--misclassified must be at least 1 (got {options.Misclassified}).");
        if (options.Patch < 1 || options.Stride < 1)
            throw new FashionCnnException($"--patch and --stride must be at least 1 (got {options.Patch} and {options.Stride}).");
    }

    /// <summary>Grad-CAM's convolution: --layer, or the last Conv2D. The other methods explain the input and take no layer.</summary>
    private static int? LayerFor(ModelSpec spec, ExplainOptions options, string modelName)
    {
        if (options.Method != ExplainMethod.GradCam)
        {
            if (options.Layer is not null)
                throw new FashionCnnException($"--layer is for --method gradcam; {options.Method.Name()} explains the input pixels.");
            return null;
        }
        var convolutions = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i] is Conv2D).ToList();
        if (convolutions.Count == 0)
            throw new FashionCnnException(
                $"{modelName} has no convolution layer for Grad-CAM; --method saliency or --method occlusion explain any model.");
        if (options.Layer is null) return convolutions[^1];
        int index = int.TryParse(options.Layer, out int number) ? number : spec.IndexOfName(options.Layer) ?? -1;
        if (convolutions.Contains(index)) return index;
        string listed = string.Join(", ", convolutions.Select(c => $"{c} {spec.Layers[c].Name} (Conv2D)"));
        throw new FashionCnnException($"--layer {options.Layer} is not a convolution layer of {modelName}; Grad-CAM takes one of: {listed}.");
    }

    private static string Describe(ExplainOptions options, string? layerName, int height, int width) => options.Method switch
    {
        ExplainMethod.GradCam => $"Grad-CAM of {layerName} ({height}×{width})",
        ExplainMethod.Saliency => "Saliency (|gradient| of the logit)",
        _ => $"Occlusion, {options.Patch}×{options.Patch} patch, stride {options.Stride}",
    };

    /// <summary>
    /// The raw maps of one batch, one per image, row-major, for <paramref name="pixels"/> (bytes, (N, H, W, C)): saliency takes each
    /// pixel's largest absolute gradient over its channels, as Simonyan et al. do for colour images.
    /// </summary>
    private static float[][] Maps(SequentialNet net, ExplainOptions options, int? layer, Tensor pixels, int[] classes)
    {
        using var scope = NewDisposeScope();
        int count = classes.Length, height = (int)pixels.shape[1], width = (int)pixels.shape[2], channels = (int)pixels.shape[3];
        var targets = tensor(classes, ScalarType.Int64).to(pixels.device);
        var result = options.Method switch
        {
            ExplainMethod.GradCam => GradCam.Compute(net, layer!.Value, net.InputFromPixels(pixels.reshape(net.PixelShape(count))), targets),
            ExplainMethod.Saliency => Saliency.Compute(net, net.InputFromPixels(pixels.reshape(net.PixelShape(count))), targets)
                .view(count, height, width, channels).amax([3]),
            _ => OcclusionSensitivity.Compute(net, pixels, targets, options.Patch, options.Stride),
        };
        int size = (int)(result.shape[1] * result.shape[2]);
        float[] values = result.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
        return Enumerable.Range(0, count).Select(i => values.AsSpan(i * size, size).ToArray()).ToArray();
    }
}
