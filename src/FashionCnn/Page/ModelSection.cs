using System.Globalization;
using FashionCnn.Model;
using FashionCnn.Plotting;

namespace FashionCnn.Page;

/// <summary>Section 2, the model: Keras' <c>model.summary()</c> as a table, and the diagram <c>summary --diagram</c> draws.</summary>
public static class ModelSection
{
    public static void Write(HtmlPage page, ModelSpec spec, string modelName, string scratch)
    {
        page.Section("model", "2. The model");
        var summary = ModelSummary.Of(spec);
        page.Table($"model.summary() of {modelName}", ["Layer (type)", "Output Shape", "Param #"],
            summary.Layers.Select(l => new TableRow([$"{l.Name} ({l.Type})", ModelSummary.FormatShape(l.OutputShape), Count(l.Params)])));
        page.Paragraph($"Total params: {Count(summary.TotalParams)} — trainable: {Count(summary.TrainableParams)}, non-trainable: {Count(summary.NonTrainableParams)}. "
                       + $"Input: {ModelSummary.FormatShape(summary.InputShape)}.");

        string diagram = Path.Combine(scratch, "model-diagram.png");
        ModelDiagram.Save(spec, diagram, modelName);
        string chain = string.Join(" → ", spec.Layers.Select(l => $"{l.Name} ({l.KerasClass})"));
        page.Picture(diagram,
            $"Diagram of the {spec.Layers.Count} layers from input to output, one box each with its name, class, input and output shape: {chain}.",
            "The layers as Keras' plot_model(show_shapes=True) draws them.");
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
