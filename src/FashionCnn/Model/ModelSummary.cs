using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FashionCnn.Model;

/// <summary>One row of <c>model.summary()</c>.</summary>
public sealed record SummaryRow(int Index, string Name, string Type, int?[] OutputShape, long Params);

/// <summary>What Keras' <c>model.summary()</c> shows, as data, text or JSON.</summary>
public sealed record ModelSummary(string Name, int?[] InputShape, IReadOnlyList<SummaryRow> Layers, long TotalParams, long NonTrainableParams)
{
    private const int NameWidth = 34, ShapeWidth = 26, ParamWidth = 10;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static ModelSummary Of(ModelSpec spec, string name = "sequential") => new(
        name,
        WithBatch(spec.InputShape),
        spec.Shapes().Select((row, i) =>
            new SummaryRow(i, row.Layer.Name, row.Layer.KerasClass, WithBatch(row.Output), row.Layer.ParameterCount(row.Input))).ToList(),
        spec.ParameterCount,
        spec.NonTrainableParameterCount);

    public long TrainableParams => TotalParams - NonTrainableParams;

    /// <summary>A model file's classes in output order, as the tool names them; null for an architecture, which has none.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The colour mode of the images the model takes (grayscale, rgb); null when its input is not an image.</summary>
    public string? ColorMode { get; init; }

    /// <summary>
    /// The table in Keras 2's layout: layer (type), output shape with None for the batch, parameter count. The first column
    /// is Keras' 34 characters, wider where a name and type need it ("random_translation (RandomTranslation)").
    /// </summary>
    public string ToText()
    {
        var labels = Layers.Select(layer => $"{DisplayText.Escape(layer.Name)} ({layer.Type})").ToList();
        int nameWidth = Math.Max(NameWidth, labels.Select(l => l.Length + 2).DefaultIfEmpty(0).Max());
        int tableWidth = 1 + nameWidth + ShapeWidth + ParamWidth;
        string Row(string layer, string shape, string parameters) =>
            $" {layer.PadRight(nameWidth - 1)} {shape.PadRight(ShapeWidth - 1)} {parameters}".TrimEnd();

        var text = new StringBuilder();
        text.AppendLine($"Model: \"{DisplayText.Escape(Name)}\"");
        text.AppendLine(new string('_', tableWidth));
        text.AppendLine(Row("Layer (type)", "Output Shape", "Param #"));
        text.AppendLine(new string('=', tableWidth));
        for (int i = 0; i < Layers.Count; i++)
            text.AppendLine(Row(labels[i], FormatShape(Layers[i].OutputShape), Thousands(Layers[i].Params)));
        text.AppendLine(new string('=', tableWidth));
        text.AppendLine($"Total params: {Thousands(TotalParams)}");
        text.AppendLine($"Trainable params: {Thousands(TrainableParams)}");
        text.AppendLine($"Non-trainable params: {Thousands(NonTrainableParams)}");
        text.Append(new string('_', tableWidth));
        if (ColorMode is { } mode)
            text.Append($"\nInput: {FormatShape(InputShape)}, {mode} images");
        if (ClassNames is { } names)
            text.Append($"\nClasses ({names.Count}): {string.Join(", ", names.Select(DisplayText.Escape))}");
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        name = Name,
        input_shape = InputShape,
        color_mode = ColorMode,
        class_names = ClassNames,
        layers = Layers,
        total_params = TotalParams,
        trainable_params = TrainableParams,
        non_trainable_params = NonTrainableParams,
    }, Json);

    private static int?[] WithBatch(TensorShape shape) => [null, .. shape.Dimensions.Select(d => (int?)d)];

    /// <summary>A shape as Keras prints it: (None, 28, 28, 32).</summary>
    public static string FormatShape(int?[] shape) => $"({string.Join(", ", shape.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "None"))})";

    private static string Thousands(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
