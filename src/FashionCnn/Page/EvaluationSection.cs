using FashionCnn.Interop;
using System.Globalization;
using FashionCnn.Data;
using FashionCnn.Explanation;
using FashionCnn.Inference;
using FashionCnn.Model;
using FashionCnn.Reports;

namespace FashionCnn.Page;

/// <summary>
/// Section 4, evaluation on val and test, each as <c>fashioncnn evaluate</c> computes and draws it: loss, accuracy,
/// correct/total, per-class precision, recall and F1, the confusion matrix, the most confident mistakes, and their
/// Grad-CAM maps as <c>fashioncnn explain</c> draws them.
/// </summary>
public static class EvaluationSection
{
    /// <summary>How many of the most confident mistakes get a Grad-CAM map.</summary>
    public const int Explained = 8;

    /// <summary>
    /// Starts evaluating <paramref name="model"/> on val and then test on another thread, with the one classifier and
    /// options <see cref="Write"/> gives <c>evaluate</c>, so that the other sections are drawn meanwhile.
    /// </summary>
    public static Evaluations Start(string model, BookSplits data, ReportOptions options)
    {
        var val = new TaskCompletionSource<EvaluationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var test = new TaskCompletionSource<EvaluationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task.Run(() =>
        {
            try
            {
                using var classifier = Classifier.Open(model, new ClassifierOptions { Architecture = options.Architecture, Compute = options.Compute });
                val.SetResult(Evaluation.Run(classifier, data.Validation));
                if (data.Parts.Test is { } images) test.SetResult(Evaluation.Run(classifier, images));
                else test.SetCanceled();
            }
            catch (Exception e)
            {
                val.TrySetException(e);
                test.TrySetException(e);
            }
        });
        return new Evaluations(val.Task, test.Task);
    }

    /// <summary>The evaluations <see cref="Start"/> runs; reading one waits for it and throws what stopped it.</summary>
    public sealed record Evaluations(Task<EvaluationResult> Val, Task<EvaluationResult> Test)
    {
        public EvaluationResult Of(DataSplit split) => (split == DataSplit.Val ? Val : Test).GetAwaiter().GetResult();
    }

    public static void Write(HtmlPage page, string model, ModelSpec spec, BookSplits data, ReportOptions options, string scratch, Evaluations evaluations)
    {
        page.Section("evaluation", "4. Evaluation");
        foreach (var split in new[] { DataSplit.Val, DataSplit.Test })
        {
            if (split == DataSplit.Test && data.Parts.Test is null)
            {
                page.Absent($"The data set ({data.Parts.Location}) has no test part, so there is no evaluation on test.");
                continue;
            }
            var report = EvaluationReport.Create(new EvaluateOptions
            {
                Model = new ModelSource(model, options.Architecture), Split = split, OutDir = scratch,
                Data = options.Data, Compute = options.Compute,
            }, () => evaluations.Of(split));
            Split(page, report, spec, model, options, scratch);
        }
    }

    private static void Split(HtmlPage page, EvaluationReport report, ModelSpec spec, string model, ReportOptions options, string scratch)
    {
        string split = report.Split.Name(), modelName = Path.GetFileName(model);
        page.Heading(report.Split == DataSplit.Val ? $"On val, the book's {report.Count:N0} validation images" : $"On test, the {report.Count:N0} test images");
        page.Paragraph($"loss: {Num(report.Loss, "F4")} - accuracy: {Num(report.Accuracy, "F4")} ({report.Correct:N0} / {report.Count:N0} correct).");
        page.Table($"Per-class precision, recall and F1 on {split}", ["class", "precision", "recall", "F1", "support"],
            report.PerClass.Select(c => new TableRow([c.Name, Num(c.Precision, "F4"), Num(c.Recall, "F4"), Num(c.F1, "F4"), c.Support.ToString("N0", CultureInfo.InvariantCulture)])));

        page.Picture(report.Files.ConfusionMatrix, ConfusionAlt(report), $"Confusion matrix on {split}: true classes down the side, predictions along the bottom.");
        int mistakes = report.Count - report.Correct;
        if (mistakes == 0)
        {
            page.Absent($"No image of {split} is misclassified, so there are no mistakes to show.");
            return;
        }
        page.Picture(report.Files.Misclassified,
            $"Grid of the {report.Misclassified.Count} most confident of the {mistakes:N0} wrong predictions on {split}, each {Inference.ModelFit.ImageShapeOf(spec.InputShape)} image captioned with its index, "
            + "true class, predicted class and that prediction's probability.",
            $"The most confident mistakes on {split}, the surest first.");
        GradCam(page, report, spec, model, options, scratch);
    }

    private static void GradCam(HtmlPage page, EvaluationReport report, ModelSpec spec, string model, ReportOptions options, string scratch)
    {
        string split = report.Split.Name();
        if (!spec.HasConvolution)
        {
            page.Absent("Grad-CAM weighs a convolution's feature maps, and this model has no convolution layer, so its mistakes have no Grad-CAM maps.");
            return;
        }
        var explanation = Explainer.Run(new ExplainOptions
        {
            Model = new ModelSource(model, options.Architecture), Indices = report.Misclassified.Take(Explained).ToList(), Split = report.Split,
            Method = ExplainMethod.GradCam, OutDir = scratch, Data = options.Data, Compute = options.Compute,
        });
        var first = explanation.Shown[0];
        page.Picture(explanation.Start.Picture,
            $"{explanation.Start.Description} for the {explanation.Start.Count} most confident mistakes on {split}: for each, the image, the map of where the "
            + $"predicted class's evidence lies, and the map over the image. The first, {first.Input}, is a {first.Label?.Name} predicted as "
            + $"{first.Predicted.Name} with probability {Percent.Uncertain(first.Predicted.Probability)}.",
            $"Where the network looked when it was most surely wrong on {split} (fashioncnn explain --method gradcam).");
    }

    private static string ConfusionAlt(EvaluationReport report)
    {
        var counts = report.ConfusionMatrix.Counts;
        var names = report.ConfusionMatrix.ClassNames;
        var (row, column) = Enumerable.Range(0, names.Count).SelectMany(r => Enumerable.Range(0, names.Count).Where(c => c != r).Select(c => (r, c)))
            .MaxBy(p => counts[p.r, p.c]);
        string largest = counts[row, column] == 0 ? "no image is confused" :
            $"the largest confusion is {counts[row, column]:N0} {names[row]} images predicted as {names[column]}";
        return $"Confusion matrix on {report.Split.Name()}: a {names.Count}×{names.Count} grid of counts, true classes in rows and predicted classes in columns; "
               + $"{report.Correct:N0} of {report.Count:N0} images lie on the diagonal, and {largest}.";
    }

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
