using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Plotting;
using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Reports;

/// <summary>What <c>fashioncnn visualize</c> is asked to show.</summary>
public sealed record VisualizeOptions
{
    /// <summary>A Keras layer index (as in <c>model.layers</c>) or a layer name.</summary>
    public string Layer { get; init; } = "0";

    /// <summary>The model file (any the loader reads, or an ONNX file where the verb runs one) and the architecture of a weights-only file.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>The image whose feature maps are drawn; sample 0 of train-input is the book's ankle boot (<c>train_input[0]</c>).</summary>
    public int Sample { get; init; }

    /// <summary>The book's chapter 8-3 draws from <c>train_input</c>: the 60,000 training images in file order.</summary>
    public DataSplit Split { get; init; } = DataSplit.TrainInput;

    public string OutDir { get; init; } = Path.Combine("models", "visualize");

    /// <summary>The kernels' shared colour scale, as the book's <c>imshow(..., vmin=-0.5, vmax=0.5)</c>.</summary>
    public double VMin { get; init; } = -0.5;

    public double VMax { get; init; } = 0.5;

    /// <summary>Seeds the freshly initialised (untrained) copy of the layer.</summary>
    public int Seed { get; init; } = 42;

    public DataOptions Data { get; init; } = new();
}

/// <summary>Statistics of one layer's weights, with Keras' shapes (channels last).</summary>
public sealed record WeightStatistics(int[] WeightShape, int[] BiasShape, double Mean, double Std);

/// <summary>What was shown: the layer, its weight statistics (trained and untrained, where it has weights) and the files written.</summary>
public sealed record VisualizationResult(
    int LayerIndex, Layer Layer, string Model, WeightStatistics? Trained, WeightStatistics? Untrained, IReadOnlyList<(string What, string Path)> Files);

/// <summary>
/// The book's chapter 8-3 for any layer: the weights of a convolution trained and freshly initialised,
/// their histograms, and the feature maps the layer produces for one image.
/// </summary>
public static class LayerVisualization
{
    private const int KernelColumns = 16, MapColumns = 8;

    public static VisualizationResult Create(VisualizeOptions options)
    {
        if (!double.IsFinite(options.VMin) || !double.IsFinite(options.VMax))
            throw new FashionCnnException($"--vmin and --vmax must be finite numbers (got {options.VMin} and {options.VMax}).");
        if (options.VMin >= options.VMax)
            throw new FashionCnnException($"--vmin ({options.VMin}) must be below --vmax ({options.VMax}).");
        var (outDir, paths) = CheckPaths(options);
        string modelName = Path.GetFileName(options.Model.Path);
        var model = ModelFile.LoadClassifier(options.Model.Path, options.Model.Architecture);
        using var net = model.Net;
        var spec = net.Spec;
        int index = spec.IndexOf(options.Layer);
        var (layer, input, output) = spec.Shapes()[index];
        bool drawsMaps = output.Rank == 3;
        if (layer.WeightPicture == WeightPicture.None && !drawsMaps)
            throw new FashionCnnException($"layer {index} {layer.Name} ({layer.KerasClass}) has neither a kernel nor an image output to draw; "
                + $"the layers that do: {string.Join(", ", Drawable(spec))}.");

        // Every file's name is known (and checked against the inputs) before the first is drawn, so a refusal writes nothing.
        var planned = PlannedFiles(spec, index, drawsMaps, options)
            .Select(p => (p.What, Path: paths.OutputIn("--out", options.OutDir, Path.Combine(outDir, p.FileName)))).ToList();
        var files = new List<(string What, string Path)>();
        string Out(string what)
        {
            string path = planned.Single(p => p.What == what).Path;
            files.Add((what, path));
            return path;
        }
        // The sample is found and checked before any picture is drawn, so a missing data set or a bad --sample writes nothing.
        (BookSplits Splits, byte[] Bytes, int Label)? sampled = drawsMaps ? Sample(options, net.Spec, model.ClassNames.Count, modelName) : null;
        WeightStatistics? trained = null, untrained = null;
        if (layer.WeightPicture != WeightPicture.None)
            (trained, untrained) = DrawWeights(net, index, options, modelName, model.ClassNames, Out);

        if (sampled is { } found)
        {
            var (splits, bytes, label) = found;
            string className = model.ClassNames[label];
            string sample = $"{options.Split.Name()}[{options.Sample}]";
            // Grey as the book draws it (ink dark), or an RGB sample in its own colours.
            var shape = splits.Shape;
            var picture = shape.Channels == 3 ? GridImage.Colour(bytes, shape.Height, shape.Width)
                : new GridImage(bytes.Select(b => (float)b).ToArray(), shape.Height, shape.Width);
            ImageGrid.Save(Out("sample"), $"{sample}: {className}",
                [picture], columns: 1, new ScottPlot.Colormaps.GrayscaleReversed(), sharedRange: null, cellPixels: 360);
            var maps = FeatureMaps(net, index, bytes);
            ImageGrid.Save(Out("feature maps"),
                $"{layer.Name} ({layer.KerasClass}) feature maps of {sample} ({className}) — {modelName}",
                maps, columns: Math.Min(MapColumns, maps.Count), new ScottPlot.Colormaps.Viridis(), sharedRange: null, cellPixels: 110);
        }

        return new VisualizationResult(index, layer, options.Model.Path, trained, untrained, files);
    }

    /// <summary>Every path of the command, checked before libtorch, the model or the data are loaded: the --out folder and the files read.</summary>
    internal static (string OutDir, CommandFiles Paths) CheckPaths(VisualizeOptions options)
    {
        options.Model.Require();
        DataSources.RequireOptions(options.Data);
        string outDir = OutputFiles.RequireFolder(options.OutDir, "--out");
        var paths = new CommandFiles().Input("--model", options.Model.Path).Input("--architecture", options.Model.Architecture)
            .InputData(options.Data);
        return (outDir, paths);
    }

    /// <summary>The data set and image --sample names in --split, checked against the model's input.</summary>
    internal static (BookSplits Splits, byte[] Bytes, int Label) Sample(VisualizeOptions options, ModelSpec spec, int classes, string modelName)
    {
        var splits = BookSplits.Load(options.Data);
        Inference.ModelFit.Require(spec.InputShape, classes, splits[options.Split], modelName);
        var (bytes, label) = splits.Image(options.Split, options.Sample, "--sample");
        return (splits, bytes, label);
    }

    /// <summary>
    /// A layer's kernel trained and freshly initialised: statistics, histograms on one shared x range (so the
    /// two are comparable at a glance), and the kernels (Conv2D, one shared colour scale) or weight matrix (Dense).
    /// </summary>
    private static (WeightStatistics Trained, WeightStatistics Untrained) DrawWeights(
        SequentialNet net, int index, VisualizeOptions options, string modelName, IReadOnlyList<string> classNames, Func<string, string> output)
    {
        var (layer, input, _) = net.Spec.Shapes()[index];
        var (weight, bias) = Snapshot(net, index);
        var trained = Statistics(layer, input, weight, bias);
        using var fresh = new SequentialNet(net.Spec);
        fresh.InitializeLikeKeras(options.Seed);
        var (freshWeight, freshBias) = Snapshot(fresh, index);
        var untrained = Statistics(layer, input, freshWeight, freshBias);

        var range = FiniteValues.Range(weight.Values.Concat(freshWeight.Values));
        // Both on the same bins, with Glorot's ±limit on bin edges: the untrained weights fill whole bins up to it.
        double? limit = GlorotUniform.Limit(layer, input);
        Histogram.Save(weight.Values, output("weights histogram"),
            $"{layer.Name} ({layer.KerasClass}) weights, trained: mean {trained.Mean:F4}, std {trained.Std:F4} — {modelName}", range, edge: limit);
        Histogram.Save(freshWeight.Values, output("weights histogram, untrained"),
            $"{layer.Name} ({layer.KerasClass}) weights, untrained (glorot uniform, seed {options.Seed}): mean {untrained.Mean:F4}, std {untrained.Std:F4}",
            range, edge: limit);

        if (layer.WeightPicture == WeightPicture.Kernels)
        {
            var scale = new ScottPlot.Range(options.VMin, options.VMax);
            string channels = KernelChannels((int)weight.Shape[1]);
            SaveKernels(weight, scale, output("kernels"),
                $"{layer.Name} kernels, trained ({modelName}), {channels}, scale {options.VMin} to {options.VMax}");
            SaveKernels(freshWeight, scale, output("kernels, untrained"),
                $"{layer.Name} kernels, untrained (glorot uniform, seed {options.Seed}), {channels}, scale {options.VMin} to {options.VMax}");
        }
        else
        {
            WeightMatrixPlot.Save(weight.Values, (int)weight.Shape[0], (int)weight.Shape[1], output("weight matrix"),
                $"{layer.Name} ({layer.KerasClass}) weights, {weight.Shape[1]} inputs × {weight.Shape[0]} units — {modelName}");
            if (DrawsWeightsAsImages(net.Spec, index))
                SaveWeightsAsImages(weight, index == net.Spec.Layers.Count - 1 ? classNames : null, output("weights as images"),
                    $"{layer.Name} (Dense): each unit's 784 weights as the 28×28 image they weigh — {modelName}");
        }
        return (trained, untrained);
    }

    /// <summary>The pictures of layer <paramref name="index"/>, in the order they are drawn: what each shows and its file name.</summary>
    private static List<(string What, string FileName)> PlannedFiles(ModelSpec spec, int index, bool drawsMaps, VisualizeOptions options)
    {
        var layer = spec.Layers[index];
        string name = FileNamePart.From(layer.Name), split = options.Split.Name();
        var planned = new List<(string What, string FileName)>();
        if (layer.WeightPicture != WeightPicture.None)
        {
            planned.Add(("weights histogram", $"{name}-weights-histogram.png"));
            planned.Add(("weights histogram, untrained", $"{name}-weights-histogram-untrained.png"));
            if (layer.WeightPicture == WeightPicture.Kernels)
            {
                planned.Add(("kernels", $"{name}-kernels.png"));
                planned.Add(("kernels, untrained", $"{name}-kernels-untrained.png"));
            }
            else
            {
                planned.Add(("weight matrix", $"{name}-weights.png"));
                if (DrawsWeightsAsImages(spec, index)) planned.Add(("weights as images", $"{name}-weights-as-images.png"));
            }
        }
        if (drawsMaps)
        {
            planned.Add(("sample", $"sample-{split}-{options.Sample}.png"));
            planned.Add(("feature maps", $"{name}-feature-maps-{split}-{options.Sample}.png"));
        }
        return planned;
    }

    /// <summary>A Dense layer straight on the 784 pixels: each unit's weights are drawn as the 28×28 image they weigh.</summary>
    private static bool DrawsWeightsAsImages(ModelSpec spec, int index) =>
        spec.Shapes()[index].Input is var input && input[input.Rank - 1] == LabeledImages.PixelsPerImage
        && spec.Layers.Take(index).All(l => l is Flatten or Rescaling or Reshape or RandomAugmentation);

    private static IEnumerable<string> Drawable(ModelSpec spec) =>
        spec.Shapes().Select((row, i) => (row, i)).Where(p => p.row.Layer.WeightPicture != WeightPicture.None || p.row.Output.Rank == 3)
            .Select(p => $"{p.i} {p.row.Layer.Name} ({p.row.Layer.KerasClass})");

    private static (NamedTensor Weight, NamedTensor Bias) Snapshot(SequentialNet net, int index)
    {
        using var scope = NewDisposeScope();
        var (weight, bias) = net.WeightAndBias(index);
        return (NamedTensor.From("weight", weight), NamedTensor.From("bias", bias));
    }

    /// <summary>Mean and population standard deviation (numpy's default), with shapes as Keras prints them.</summary>
    private static WeightStatistics Statistics(Layer layer, TensorShape input, NamedTensor weight, NamedTensor bias)
    {
        double mean = weight.Values.Average(v => (double)v);
        double std = Math.Sqrt(weight.Values.Average(v => (v - mean) * (v - mean)));
        int[] kerasShape = layer.Variables(input)[0].KerasShape.Select(d => (int)d).ToArray();
        return new WeightStatistics(kerasShape, bias.Shape.Select(d => (int)d).ToArray(), mean, std);
    }

    /// <summary>
    /// A Dense layer on the pixels themselves (the book's 7-1 and 7-2 models): each unit's weights laid out as the
    /// 28×28 image they multiply, red where ink raises the unit's score and blue where it lowers it — for the
    /// logistic regression of 7-1, a template of each class.
    /// </summary>
    private static void SaveWeightsAsImages(NamedTensor weight, IReadOnlyList<string>? classNames, string path, string title)
    {
        int units = (int)weight.Shape[0];
        string Caption(int u) => classNames is not null && u < classNames.Count ? classNames[u] : $"unit {u}";
        double limit = Math.Max(FiniteValues.MaxAbs(weight.Values, 1e-6), 1e-6);
        var images = Enumerable.Range(0, units).Select(u => new GridImage(
            weight.Values.AsSpan(u * LabeledImages.PixelsPerImage, LabeledImages.PixelsPerImage).ToArray(),
            LabeledImages.Height, LabeledImages.Width, Caption(u))).ToList();
        ImageGrid.Save(path, title, images, columns: Math.Min(10, units), new ScottPlot.Colormaps.Balance(),
            new ScottPlot.Range(-limit, limit), cellPixels: 110);
    }

    /// <summary>Each filter's kernel for input channel 0, as the book's <c>conv_weights[:, :, 0, i]</c>.</summary>
    /// <summary>
    /// The input channels whose kernels are drawn: every channel of a grey or colour image (a block of rows each, as the
    /// book's figure draws its one), channel 0 of a deeper layer's dozens.
    /// </summary>
    public const int MaxKernelChannels = 3;

    /// <summary>The drawn channels in the title's words.</summary>
    public static string KernelChannels(int inputs) => inputs switch
    {
        1 => "input channel 0",
        3 => "input channels red, green, blue (a block of rows each)",
        <= MaxKernelChannels => $"input channels 0–{inputs - 1} (a block of rows each)",
        _ => $"input channel 0 of {inputs}",
    };

    private static void SaveKernels(NamedTensor weight, ScottPlot.Range range, string path, string title)
    {
        int filters = (int)weight.Shape[0], inputs = (int)weight.Shape[1], k = (int)weight.Shape[2];
        int channels = inputs <= MaxKernelChannels ? inputs : 1, columns = Math.Min(KernelColumns, filters);
        int rowsPerChannel = (filters + columns - 1) / columns;
        string[] names = inputs == 3 ? ["red", "green", "blue"] : Enumerable.Range(0, inputs).Select(c => $"channel {c}").ToArray();
        var kernels = new List<GridImage>();
        for (int c = 0; c < channels; c++)
            for (int cell = 0; cell < rowsPerChannel * columns; cell++)
                // Each channel starts a row of its own; the cells a block's last row leaves empty are drawn as nothing (NaN).
                kernels.Add(cell < filters
                    ? new GridImage(weight.Values.AsSpan((cell * inputs + c) * k * k, k * k).ToArray(), k, k, channels > 1 && cell == 0 ? names[c] : "")
                    : new GridImage(Enumerable.Repeat(float.NaN, k * k).ToArray(), k, k));
        ImageGrid.Save(path, title, kernels, columns, new ScottPlot.Colormaps.Viridis(), range, cellPixels: 70);
    }

    /// <summary>The layer's output for one image (after its activation), one picture per channel.</summary>
    private static List<GridImage> FeatureMaps(SequentialNet net, int index, byte[] pixels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = net.InputFromPixels(tensor(pixels, net.PixelShape(1), ScalarType.Byte));
        var maps = net.ForwardThrough(image, index)[0].contiguous();
        int channels = (int)maps.shape[0], h = (int)maps.shape[1], w = (int)maps.shape[2];
        float[] values = maps.data<float>().ToArray();
        return Enumerable.Range(0, channels).Select(c =>
        {
            float[] map = values.AsSpan(c * h * w, h * w).ToArray();
            var finite = FiniteValues.Range(map, new ScottPlot.Range(0, 0));
            double min = finite.Min, max = finite.Max;
            // A map that is all one value still needs a range to be drawn; an all-zero one is a ReLU that never fired
            // on this image, and says so rather than look like a drawing error.
            string caption = max == 0 && min == 0 ? $"{c}: all zero" : max == min ? $"{c}: all {min:G3}" : $"{c}";
            return new GridImage(map, h, w, caption, new ScottPlot.Range(min, max > min ? max : min + 1));
        }).ToList();
    }
}
