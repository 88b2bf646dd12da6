using System.Diagnostics;
using System.Runtime.ExceptionServices;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Interop;
using FashionCnn.Model;

namespace FashionCnn.Page;

/// <summary>
/// <c>fashioncnn report</c>: one self-contained HTML page for a model or a training run, in the book's order — the run,
/// the model, training, evaluation, inside the network. Every number and picture comes from the verb that computes it
/// (evaluate, explain, visualize, summary, the training curves), drawn into a scratch folder and embedded; the page is
/// written atomically and is the same, byte for byte, when written again from the same files.
/// </summary>
public static class RunReport
{
    public static ReportResult Write(ReportOptions options)
    {
        var clock = Stopwatch.StartNew();
        // Every path first, before libtorch, the model or the data are loaded.
        var sources = ReportSources.Find(options);
        ArchitectureSource.RequireOption(options.Architecture, "--architecture");
        DataSources.RequireOptions(options.Data);
        using var sharedData = BookSplits.ShareLoads();
        // The data are read and checked while libtorch starts and the model loads: each takes about half a second on one core.
        var loading = Task.Run(() => BookSplits.Load(options.Data));
        ExceptionDispatchInfo? modelFailure = null;
        (ModelSpec? spec, string? format) = (null, null);
        try
        {
            if (sources.Model is { } model) (spec, format) = Describe(model, options.Architecture);
        }
        catch (Exception e)
        {
            modelFailure = ExceptionDispatchInfo.Capture(e);
        }
        // A data set that cannot be read is reported first, as when the two were loaded one after the other.
        var data = loading.GetAwaiter().GetResult();
        modelFailure?.Throw();

        string title = sources.Model is { } m ? $"{Path.GetFileName(m)} — fashioncnn report" : $"{Path.GetFileName(sources.Folder)} — fashioncnn report";
        var page = new HtmlPage(title);
        string scratch = Directory.CreateTempSubdirectory("fashioncnn-report-").FullName;
        try
        {
            RunSection.Write(page, sources, data, format, options.Failure);
            if (sources.Model is { } path && spec is not null)
            {
                // Evaluating val and test, the longest part, runs on its own thread while sections 2, 3 and 5 are drawn.
                var evaluations = EvaluationSection.Start(path, data, options);
                string name = Path.GetFileName(path);
                ModelSection.Write(page, spec, name, scratch);
                TrainingSection.Write(page, sources, scratch);
                // Section 5 is drawn while val and test are still being evaluated, and placed after section 4.
                var inside = new HtmlPage(title);
                InsideSection.Write(inside, path, spec, data.ClassNames[data[DataSplit.TrainInput].Labels[0]], options, scratch);
               EvaluationSection.Write(page, path, spec, data, options, scratch, evaluations);
                page.Append(inside);
            }
            else
                NoCheckpoint(page, sources, scratch);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        string html = page.ToHtml();
        AtomicFile.WriteAllText(sources.Output, html);
        return new ReportResult(sources.Output, new FileInfo(sources.Output).Length, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The model's layers and the format it was read from; the network itself is loaded again by each verb that runs it.</summary>
    private static (ModelSpec Spec, string Format) Describe(string model, string? architecture)
    {
        var loaded = ModelFile.LoadClassifier(model, architecture);
        using var net = loaded.Net;
        return (net.Spec, loaded.Format);
    }

    /// <summary>A run stopped before its first epoch ended leaves a record but no checkpoint: sections 2 to 5 say so.</summary>
    private static void NoCheckpoint(HtmlPage page, ReportSources sources, string scratch)
    {
        const string why = "The run ended before its first epoch finished, so there is no checkpoint";
        page.Section("model", "2. The model");
        page.Absent($"{why} to describe.");
        TrainingSection.Write(page, sources, scratch);
        page.Section("evaluation", "4. Evaluation");
        page.Absent($"{why} to evaluate.");
        page.Section("inside", "5. Inside the network");
        page.Absent($"{why} to look inside.");
    }
}
