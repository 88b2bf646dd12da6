using FashionCnn.Interop;
using System.Globalization;
using FashionCnn.Data;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Reports;

namespace FashionCnn.Page;

/// <summary>
/// Section 5, inside the network (the book's chapter 8-3), as <c>fashioncnn visualize</c> draws it: each Conv2D's kernels
/// trained and untrained with their histograms and its feature maps of <c>train_input[0]</c>; for a model without
/// convolutions, its first Dense layer's weights.
/// </summary>
public static class InsideSection
{
    public static void Write(HtmlPage page, string model, ModelSpec spec, string sampleClass, ReportOptions options, string scratch)
    {
        page.Section("inside", "5. Inside the network");
        var convolutions = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i] is Conv2D).ToList();
        var image = Inference.ModelFit.ImageShapeOf(spec.InputShape);
        if (convolutions.Count > 0)
        {
            page.Paragraph("As in the book's chapter 8-3: each convolution's kernels after training beside a freshly initialised copy (Glorot uniform), "
                           + "their weights' histograms on one shared axis, and the feature maps it makes of train_input[0].");
            bool first = true;
            foreach (int index in convolutions)
            {
                Layer(page, Visualize(model, index, options, scratch), sampleClass, image, first);
                first = false;
            }
            return;
        }
        int dense = Enumerable.Range(0, spec.Layers.Count).First(i => spec.Layers[i] is Dense);
        page.Absent("This model has no convolution layer, so there are no kernels or feature maps (chapter 8-3); its first Dense layer's weights are shown instead.");
        Layer(page, Visualize(model, dense, options, scratch), sampleClass, image, showSample: false);
    }

    private static VisualizationResult Visualize(string model, int index, ReportOptions options, string scratch) =>
        LayerVisualization.Create(new VisualizeOptions
        {
            Model = new ModelSource(model, options.Architecture), Layer = index.ToString(CultureInfo.InvariantCulture),
            OutDir = scratch, Data = options.Data,
        });

    private static void Layer(HtmlPage page, VisualizationResult result, string sampleClass, Data.ImageShape image, bool showSample)
    {
        var layer = result.Layer;
        page.Heading($"Layer {result.LayerIndex}: {layer.Name} ({layer.KerasClass})");
        if (result.Trained is { } trained && result.Untrained is { } untrained)
            page.Paragraph($"Weights {Shape(trained.WeightShape)}: trained mean {Num(trained.Mean)}, std {Num(trained.Std)}; "
                           + $"untrained mean {Num(untrained.Mean)}, std {Num(untrained.Std)}.");
        foreach (var (what, path) in result.Files)
        {
            if (what == "sample" && !showSample) continue;
            page.Picture(path, Alt(what, result, sampleClass, image), Caption(what, layer));
        }
    }

    /// <summary>What each picture of <c>visualize</c> shows, in words, with the numbers a reader would look for.</summary>
    private static string Alt(string what, VisualizationResult result, string sampleClass, Data.ImageShape image)
    {
        var layer = result.Layer;
        string name = $"{layer.Name} ({layer.KerasClass})";
        int units = result.Trained?.WeightShape[^1] ?? 0;
        return what switch
        {
            "sample" => $"train_input[0], the {image} image whose feature maps follow: a picture of the class {sampleClass}.",
            "kernels" => $"The {units} kernels of {name} after training, {Channels(result)}, as small coloured squares on one colour scale from -0.5 to 0.5.",
            "kernels, untrained" => $"The {units} kernels of {name} freshly initialised, {Channels(result)}, on the same colour scale: noise without the trained kernels' structure.",
            "weights histogram" => $"Histogram of {name}'s trained weights: mean {Num(result.Trained!.Mean)}, standard deviation {Num(result.Trained.Std)}.",
            "weights histogram, untrained" => $"Histogram of {name}'s untrained weights, flat as Glorot uniform draws them: mean {Num(result.Untrained!.Mean)}, standard deviation {Num(result.Untrained.Std)}.",
            "feature maps" => $"The feature maps {name} makes of train_input[0], one small picture per channel, bright where the channel responds.",
            "weight matrix" => $"{name}'s weight matrix as a coloured image, one row per input and one column per unit ({units} units).",
            "weights as images" => $"Each of {name}'s {units} units' 784 weights drawn as the 28×28 image they weigh, red where ink raises the unit's score and blue where it lowers it.",
            _ => throw new InvalidOperationException($"visualize drew a picture the report does not describe: {what}"),
        };
    }

    /// <summary>The input channels the kernel pictures show: the kernel's (k, k, in, out) shape has them second to last.</summary>
    private static string Channels(VisualizationResult result) => LayerVisualization.KernelChannels(result.Trained?.WeightShape[^2] ?? 1);

    private static string Caption(string what, Layer layer) => what switch
    {
        "sample" => "train_input[0], the image of the feature maps.",
        "feature maps" => $"{layer.Name}'s feature maps of train_input[0].",
        _ => $"{layer.Name}: {what}.",
    };

    private static string Shape(int[] shape) => $"({string.Join(", ", shape)})";

    private static string Num(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
