using System.Text.Json.Nodes;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Training;

namespace FashionCnn.Page;

/// <summary>
/// What a report is made from: the model file (none when a run ended before its first epoch), the folder it is in, the
/// run record and history <c>train</c> left there, and the page's own path.
/// </summary>
public sealed record ReportSources(string Folder, string? Model, JsonObject? Run, History? History, string Output)
{
    public const string RunRecordName = "run.json", HistoryName = "history.json";

    /// <summary>Finds and checks every input and the output before anything is loaded; a bad one is one sentence.</summary>
    public static ReportSources Find(ReportOptions options)
    {
        if (options.ModelPath is not null && options.ModelDir is not null)
            throw new FashionCnnException("give --model or --model-dir, not both.");
        var (folder, model, isCheckpoint) = options.ModelPath is { } path ? FromModel(path) : FromFolder(options.ModelDir ?? ReportOptions.DefaultModelDir);
        string output = OutputFiles.RequireFile(options.Output ?? Path.Combine(folder, ReportOptions.FileName), "--output");
        var run = isCheckpoint ? ReadRun(folder) : null;
        var history = isCheckpoint ? ReadHistory(folder) : null;
        return new ReportSources(folder, model, run, history, output);
    }

    /// <summary>A model file; its folder's record and history belong to it only when it is the checkpoint <c>train</c> writes.</summary>
    private static (string Folder, string? Model, bool IsCheckpoint) FromModel(string path)
    {
        string full = InputFiles.Require(path, "--model").FullName;
        string name = Path.GetFileName(full);
        return (Path.GetDirectoryName(full)!, full, name is Checkpoint.FileName or Checkpoint.DenseFileName);
    }

    private static (string Folder, string? Model, bool IsCheckpoint) FromFolder(string dir)
    {
        PathText.RequireUsable(dir, "--model-dir");
        string folder = Path.GetFullPath(dir);
        var kind = FileKinds.Of(folder);
        if (kind == FileKind.Missing) throw new FashionCnnException($"--model-dir {dir}: no such folder.");
        if (kind != FileKind.Directory) throw new FashionCnnException($"--model-dir {dir}: is {kind.Describe()}, not a folder.");
        string? model = new[] { Checkpoint.FileName, Checkpoint.DenseFileName }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        if (model is null && !File.Exists(Path.Combine(folder, RunRecordName)))
            throw new FashionCnnException(
                $"--model-dir {dir}: holds no model ({Checkpoint.FileName} or {Checkpoint.DenseFileName}) and no {RunRecordName}; "
                + $"train one there with 'fashioncnn train --model-dir {dir}', or give --model.");
        if (model is not null) InputFiles.Require(model, "--model-dir");
        return (folder, model, true);
    }

    private const long MaxRecordBytes = 16 << 20;

    private static JsonObject? ReadRun(string folder)
    {
        string path = Path.Combine(folder, RunRecordName);
        if (!File.Exists(path)) return null;
        string text = InputFiles.ReadText(path, MaxRecordBytes, RunRecordName);
        try
        {
            return JsonFormat.ParseStrict(text) as JsonObject ?? throw new FashionCnnException($"{path}: not the JSON object train writes.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FashionCnnException($"{path}: not valid JSON ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
    }

    private static History? ReadHistory(string folder)
    {
        string path = Path.Combine(folder, HistoryName);
        if (!File.Exists(path)) return null;
        try
        {
            return History.FromJson(InputFiles.ReadText(path, MaxRecordBytes, HistoryName));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FashionCnnException($"{path}: not the history train writes ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
        }
    }
}
