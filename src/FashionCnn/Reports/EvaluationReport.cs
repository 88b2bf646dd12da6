using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Plotting;
using FashionCnn.Training;

namespace FashionCnn.Reports;

/// <summary>What <c>fashioncnn evaluate</c> is asked to do.</summary>
public sealed record EvaluateOptions
{
    /// <summary>The model file (any the loader reads, or an ONNX file where the verb runs one) and the architecture of a weights-only file.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>The book's <c>model.evaluate(val_scaled, val_target)</c> by default.</summary>
    public DataSplit Split { get; init; } = DataSplit.Val;

    /// <summary>Where the PNGs go; null for the model's folder.</summary>
    public string? OutDir { get; init; }

    public int BatchSize { get; init; } = Evaluation.DefaultBatchSize;

    public DataOptions Data { get; init; } = new();

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();
}

/// <summary>
/// The pictures of one evaluation. Their names carry the model's and the split's names
/// (<c>best-cnn-model-test-confusion-matrix.png</c>), so evaluations of several models or splits into one folder
/// never overwrite each other.
/// </summary>
public sealed record EvaluationFiles(string ConfusionMatrix, string Misclassified)
{
    public static EvaluationFiles In(string folder, string modelPath, DataSplit split)
    {
        string stem = $"{Path.GetFileNameWithoutExtension(modelPath)}-{split.Name()}";
        return new EvaluationFiles(Path.Combine(folder, $"{stem}-confusion-matrix.png"), Path.Combine(folder, $"{stem}-misclassified.png"));
    }
}

/// <summary>The numbers of an evaluation and where its pictures went.</summary>
/// <param name="Misclassified">The images the misclassified grid shows (indices into the split), the most confident mistake first.</param>
public sealed record EvaluationReport(
    string Model, string Format, DataSplit Split, double Loss, double Accuracy, int Correct, int Count,
    IReadOnlyList<ClassMetrics> PerClass, ConfusionMatrix ConfusionMatrix, IReadOnlyList<int> Misclassified, EvaluationFiles Files)
{
    /// <summary>How many wrong predictions the misclassified grid shows, the most confident first.</summary>
    private const int MisclassifiedShown = 32;

    /// <param name="evaluated">
    /// The split's evaluation when the caller has already run it with the same model and options (the report computes
    /// val and test while it draws other sections); null to run it here.
    /// </param>
    public static EvaluationReport Create(EvaluateOptions options, Func<EvaluationResult>? evaluated = null)
    {
        if (options.BatchSize is < 1 or > Evaluation.MaxBatchSize)
            throw new FashionCnnException($"--batch-size must be between 1 and {Evaluation.MaxBatchSize:N0} (got {options.BatchSize}).");
        // Every path first, before libtorch, the model or the data are loaded.
        options.Model.Require();
        DataSources.RequireOptions(options.Data);
        string outDir = options.OutDir is null
            ? OutputFiles.DefaultFolder(Path.GetDirectoryName(Path.GetFullPath(options.Model.Path))!)
            : OutputFiles.RequireFolder(options.OutDir, "--out");
        var files = EvaluationFiles.In(outDir, options.Model.Path, options.Split);
        var paths = new CommandFiles().Input("--model", options.Model.Path).Input("--architecture", options.Model.Architecture)
            .InputData(options.Data);
        string shownOut = options.OutDir ?? outDir;
        paths.OutputIn("--out", shownOut, files.ConfusionMatrix);
        paths.OutputIn("--out", shownOut, files.Misclassified);
        using var model = Classifier.Open(options.Model.Path, new ClassifierOptions
        {
            Architecture = options.Model.Architecture, Compute = options.Compute, BatchSize = options.BatchSize,
        });
        var images = BookSplits.Load(options.Data)[options.Split];

        var result = evaluated?.Invoke() ?? Evaluation.Run(model, images, options.BatchSize);
        var predictions = result.Predictions;
        var matrix = new ConfusionMatrix(predictions.Labels, predictions.Predicted, model.ClassNames);

        string splitName = options.Split.Name();
        ConfusionMatrixPlot.Save(matrix, files.ConfusionMatrix,
            $"{Path.GetFileName(options.Model.Path)} on {splitName}: {result.Correct:N0} / {result.Count:N0} correct ({result.Accuracy:P2})");
        var shown = SaveMisclassified(images, predictions, model.ClassNames, files.Misclassified, splitName);

        return new EvaluationReport(options.Model.Path, model.Format, options.Split, result.Loss, result.Accuracy,
            result.Correct, result.Count, matrix.PerClass(), matrix, shown, files);
    }

    /// <summary>The wrong predictions of <paramref name="predictions"/>, the most confident first.</summary>
    public static IEnumerable<int> MostConfidentMistakes(Predictions predictions) =>
        Enumerable.Range(0, predictions.Labels.Length)
            .Where(i => predictions.Predicted[i] != predictions.Labels[i])
            .OrderByDescending(i => predictions.Confidence[i])
            .ThenBy(i => i);

    /// <summary>Draws the most confident mistakes and returns their indices.</summary>
    private static IReadOnlyList<int> SaveMisclassified(LabeledImages images, Predictions predictions, IReadOnlyList<string> names, string path, string split)
    {
        var mistakes = MostConfidentMistakes(predictions).ToList();
        var indices = mistakes.Take(MisclassifiedShown).ToList();
        var shown = indices
            .Select(i => new GridImage(
                images.Image(i).ToArray().Select(p => (float)p).ToArray(), LabeledImages.Height, LabeledImages.Width,
                $"#{i} true: {names[predictions.Labels[i]]}\npred: {names[predictions.Predicted[i]]} {Percent.Uncertain(predictions.Confidence[i])}",
                new ScottPlot.Range(0, 255)))
            .ToList();
        string title = shown.Count == 0
            ? $"No misclassified images in {split}"
            : $"The {shown.Count} most confident of {mistakes.Count:N0} mistakes on {split}";
        ImageGrid.Save(path, title, shown, columns: 8, new ScottPlot.Colormaps.GrayscaleReversed(), cellPixels: 150);
        return indices;
    }
}
