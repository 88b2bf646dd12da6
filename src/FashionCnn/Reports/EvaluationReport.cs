using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Plotting;
using FashionCnn.Training;

namespace FashionCnn.Reports;

/// <summary>What <c>fashioncnn evaluate</c> is asked to do.</summary>
public sealed record EvaluateOptions
{
    /// <summary>Any model file the loader reads; by default the checkpoint that <c>train</c> writes.</summary>
    public string ModelPath { get; init; } = Path.Combine("models", Checkpoint.FileName);

    /// <summary>The book's <c>model.evaluate(val_scaled, val_target)</c> by default.</summary>
    public DataSplit Split { get; init; } = DataSplit.Val;

    /// <summary>Where the PNGs go; null for the model's folder.</summary>
    public string? OutDir { get; init; }

    public int BatchSize { get; init; } = Evaluation.DefaultBatchSize;

    public string? DataDir { get; init; }

    public string Device { get; init; } = "auto";

    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>The numbers of an evaluation and where its pictures went.</summary>
public sealed record EvaluationReport(
    string Model, string Format, DataSplit Split, double Loss, double Accuracy, int Correct, int Count,
    IReadOnlyList<ClassMetrics> PerClass, ConfusionMatrix ConfusionMatrix, IReadOnlyDictionary<string, string> Files)
{
    public const string ConfusionMatrixPng = "confusion-matrix.png", MisclassifiedPng = "misclassified.png";

    /// <summary>How many wrong predictions the misclassified grid shows, the most confident first.</summary>
    private const int MisclassifiedShown = 32;

    public static EvaluationReport Create(EvaluateOptions options)
    {
        if (options.BatchSize < 1) throw new FashionCnnException($"--batch-size must be at least 1 (got {options.BatchSize}).");
        var device = ComputeDevice.Resolve(options.Device);
        TorchSharp.torch.set_num_threads(options.Threads);
        var model = ModelFile.Load(options.ModelPath, device.Device).RequireFashionMnist(Path.GetFileName(options.ModelPath));
        using var net = model.Net;
        var splits = BookSplits.Load(options.DataDir);
        var images = splits[options.Split];
        using var data = new DeviceDataset(images, device.Device);

        var result = Evaluation.Run(net, data, options.BatchSize, keepPredictions: true);
        var predictions = result.Predictions!;
        var matrix = new ConfusionMatrix(predictions.Labels, predictions.Predicted, model.ClassNames);

        string outDir = OutputFolder.Resolve(options.OutDir, Path.GetDirectoryName(Path.GetFullPath(options.ModelPath))!);
        var files = new Dictionary<string, string>
        {
            ["confusion_matrix"] = Path.Combine(outDir, ConfusionMatrixPng),
            ["misclassified"] = Path.Combine(outDir, MisclassifiedPng),
        };
        string splitName = options.Split.Name();
        ConfusionMatrixPlot.Save(matrix, files["confusion_matrix"],
            $"{Path.GetFileName(options.ModelPath)} on {splitName}: {result.Correct:N0} / {result.Count:N0} correct ({result.Accuracy:P2})");
        SaveMisclassified(images, predictions, model.ClassNames, files["misclassified"], splitName);

        return new EvaluationReport(options.ModelPath, model.Format, options.Split, result.Loss, result.Accuracy,
            result.Correct, result.Count, matrix.PerClass(), matrix, files);
    }

    private static void SaveMisclassified(LabeledImages images, Predictions predictions, IReadOnlyList<string> names, string path, string split)
    {
        var wrong = Enumerable.Range(0, predictions.Labels.Length)
            .Where(i => predictions.Predicted[i] != predictions.Labels[i])
            .OrderByDescending(i => predictions.Confidence[i])
            .Take(MisclassifiedShown)
            .Select(i => new GridImage(
                images.Image(i).ToArray().Select(p => (float)p).ToArray(), LabeledImages.Height, LabeledImages.Width,
                $"#{i} true: {names[predictions.Labels[i]]}\npred: {names[predictions.Predicted[i]]} {predictions.Confidence[i] * 100:F0}%",
                new ScottPlot.Range(0, 255)))
            .ToList();
        int mistakes = Enumerable.Range(0, predictions.Labels.Length).Count(i => predictions.Predicted[i] != predictions.Labels[i]);
        string title = wrong.Count == 0
            ? $"No misclassified images in {split}"
            : $"The {wrong.Count} most confident of {mistakes:N0} mistakes on {split}";
        ImageGrid.Save(path, title, wrong, columns: 8, new ScottPlot.Colormaps.GrayscaleReversed(), cellPixels: 150);
    }
}
