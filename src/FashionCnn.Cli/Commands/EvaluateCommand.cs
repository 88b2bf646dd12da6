using System.CommandLine;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Reports;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn evaluate</c>: the book's model.evaluate, with per-class numbers and a confusion matrix.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var defaults = new EvaluateOptions();
        var model = CommonOptions.Model(onnx: true);
        var architecture = CommonOptions.ArchitectureForWeights();
        var split = CommonOptions.Split(DataSplit.Val, "The images to evaluate on");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var outDir = new Option<string?>("--out")
        {
            Description = "Folder for MODEL-SPLIT-confusion-matrix.png and MODEL-SPLIT-misclassified.png (default: beside the model).",
            HelpName = "DIR",
        };
        var batchSize = CommonOptions.BatchSize(defaults.BatchSize, Inference.Evaluation.MaxBatchSize, "Images per forward pass.");
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var threads = CommonOptions.Threads();
        var data = new DataOptionSet();
        var command = new Command("evaluate", "Evaluate a model (ours, Keras .h5/.keras, PyTorch or ONNX) on a split: loss, accuracy, per-class precision/recall/F1, confusion matrix.")
        {
            model, architecture, split, json, outDir, batchSize, device, precision, threads,
        };
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            var report = EvaluationReport.Create(new EvaluateOptions
            {
                Model = new Interop.ModelSource(parsed.GetValue(model)!, parsed.GetValue(architecture)),
                Split = DataSplitNames.Parse(parsed.GetValue(split)!),
                OutDir = parsed.GetValue(outDir),
                BatchSize = parsed.GetValue(batchSize),
                Compute = CommonOptions.ReadCompute(parsed, device, threads, precision),
                Data = data.Read(parsed),
            });
            Console.WriteLine(parsed.GetValue(json) ? ToJson(report) : ToText(report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ToText(EvaluationReport report)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Model:    {report.Model} ({report.Format})");
        text.AppendLine($"Split:    {report.Split.Name()} ({report.Count:N0} images)");
        text.AppendLine($"loss: {report.Loss:F4} - accuracy: {report.Accuracy:F4} ({report.Correct:N0} / {report.Count:N0} correct)");
        text.AppendLine();
        text.AppendLine($"{"class",-14} {"precision",9} {"recall",9} {"f1",9} {"support",9}");
        foreach (var c in report.PerClass)
            text.AppendLine($"{DisplayText.Escape(c.Name),-14} {c.Precision,9:F4} {c.Recall,9:F4} {c.F1,9:F4} {c.Support,9}");
        text.AppendLine();
        text.AppendLine($"  confusion matrix  {CommonOptions.DisplayPath(report.Files.ConfusionMatrix)}");
        text.AppendLine($"  misclassified     {CommonOptions.DisplayPath(report.Files.Misclassified)}");
        return text.ToString().TrimEnd();
    }

    private static string ToJson(EvaluationReport report) => JsonFormat.Serialize(new
    {
        model = report.Model,
        format = report.Format,
        split = report.Split.Name(),
        loss = report.Loss,
        accuracy = report.Accuracy,
        correct = report.Correct,
        count = report.Count,
        per_class = report.PerClass.Select(c => new { @class = c.Class, name = c.Name, precision = c.Precision, recall = c.Recall, f1 = c.F1, support = c.Support }),
        confusion_matrix = report.ConfusionMatrix.ToJaggedArray(),
        misclassified = report.Misclassified,
        files = new { confusion_matrix = report.Files.ConfusionMatrix, misclassified = report.Files.Misclassified },
    });
}
