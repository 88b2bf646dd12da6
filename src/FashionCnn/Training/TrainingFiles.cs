using FashionCnn.Checkpoints;
using FashionCnn.Model;

namespace FashionCnn.Training;

/// <summary>What a training run writes into its model folder, one property per file.</summary>
public sealed record TrainingFiles(
    string Directory, string Checkpoint, string HistoryJson, string HistoryCsv, string LossPlot, string AccuracyPlot, string RunRecord, string ResumeState)
{
    /// <summary>The files of a run of <paramref name="spec"/> in <paramref name="directory"/>.</summary>
    public static TrainingFiles In(string directory, ModelSpec spec) => new(
        directory,
        Path.Combine(directory, Checkpoints.Checkpoint.FileNameFor(spec)),
        Path.Combine(directory, "history.json"),
        Path.Combine(directory, "history.csv"),
        Path.Combine(directory, "loss.png"),
        Path.Combine(directory, "accuracy.png"),
        Path.Combine(directory, "run.json"),
        Path.Combine(directory, ResumeFile.FileName));

    /// <summary>
    /// Checks, before a run starts, that each file can be written: missing or a regular file (a folder or a pipe
    /// named history.json would otherwise stop the run after its first epoch), and none of them one of the run's
    /// inputs (fine-tuning --init-from models/best-cnn-model.safetensors into --model-dir models would replace its source).
    /// </summary>
    public void RequireReplaceable(Files.CommandFiles paths, string modelDirOption)
    {
        foreach (string path in new[] { Checkpoint, HistoryJson, HistoryCsv, LossPlot, AccuracyPlot, RunRecord, ResumeState })
            paths.OutputIn("--model-dir", modelDirOption, path);
    }

    /// <summary>Each file that exists, with what it is, in the order a user reads them.</summary>
    public IReadOnlyList<(string What, string Path)> Existing() =>
        new (string What, string Path)[]
        {
            ("checkpoint", Checkpoint), ("history", HistoryJson), ("history (csv)", HistoryCsv), ("loss plot", LossPlot),
            ("accuracy plot", AccuracyPlot), ("run record", RunRecord), ("resume state", ResumeState),
        }.Where(f => File.Exists(f.Path)).ToList();
}
