using System.Globalization;
using System.Text.Json.Nodes;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Optimizers;
using FashionCnn.Training;

namespace FashionCnn.Page;

/// <summary>
/// Section 1, the run: how it ended, the command line that repeats it, seed, data and its checksums, machine, threads,
/// precision, library versions, wall time, peak memory, and relative links to the files beside the page.
/// </summary>
public static class RunSection
{
    public static void Write(HtmlPage page, ReportSources sources, BookSplits data, string? modelFormat, string? failure)
    {
        page.Section("run", "1. The run");
        if (sources.Run is { } run)
        {
            var (ending, warning) = Ending(run, failure);
            page.Notice(ending, warning);
            page.Facts("How the run was made", RunFacts(run));
        }
        else
            page.Absent($"There is no run record ({ReportSources.RunRecordName}) for this model: it was not trained by fashioncnn train in this folder, "
                        + "so the command line, seed, machine and times of its training are not known.");
        if (sources.Model is { } model)
            page.Facts("The model file", [("file", Path.GetFileName(model), Link(sources, model)), ("format", modelFormat ?? "", null),
                ("size", $"{new FileInfo(model).Length:N0} bytes", null)]);
        page.Facts("The data", DataFacts(data));
        var files = FilesBeside(sources).ToList();
        if (files.Count > 0) page.Facts("Files beside the model", files);
    }

    /// <summary>How the run ended, in a sentence, from the record (and a failure the caller saw); warning for anything but a finished run.</summary>
    public static (string Text, bool Warning) Ending(JsonObject run, string? failure)
    {
        var options = run["options"] as JsonObject;
        int epochs = (int?)options?["epochs"] ?? 0, patience = (int?)options?["patience"] ?? 0;
        int? done = (int?)run["epochs_run"];
        if (failure is not null) return ($"The run stopped: {failure}", true);
        if ((bool?)run["interrupted"] == true)
            return ($"Interrupted (Ctrl+C or SIGTERM) after {done ?? 0} complete epoch(s) of {epochs}; "
                    + (done > 0 ? "the best checkpoint so far is kept." : "no epoch finished, so there is no checkpoint."), true);
        if ((int?)run["stopped_early_at_epoch"] is int stopped)
            return ($"Stopped early at epoch {stopped} of {epochs}: val_loss did not improve for {patience} epoch(s) in a row.", false);
        if (run["ended"] is null)
            return ($"The run record has no end: the run diverged, crashed or was killed before it finished, or it is still running.", true);
        return ($"Finished all {done ?? epochs} epoch(s).", false);
    }

    /// <summary>The train command that repeats the run, from the options the record holds.</summary>
    public static string CommandLine(JsonObject options)
    {
        var words = new List<string> { "fashioncnn", "train" };
        void Add(string option, JsonNode? value)
        {
            if (value is null) return;
            string text = value is JsonValue v && v.TryGetValue(out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : value.ToString();
            words.Add(option);
            words.Add(text.Contains(' ') ? $"'{text}'" : text);
        }
        Add("--architecture", options["init_from"] is null ? options["architecture"] : null);
        Add("--init-from", options["init_from"]);
        Add("--epochs", options["epochs"]);
        Add("--batch-size", options["batch_size"]);
        if (options["optimizer"] is JsonObject optimizer)
        {
            string name = optimizer["name"]?.ToString() ?? "";
            Add("--optimizer", name);
            if (optimizer["learning_rate_schedule"] is JsonObject schedule) AddSchedule(schedule, options["lr_schedule_file"], Add, words);
            else Add("--learning-rate", optimizer["learning_rate"]);
            if (name == "sgd" && (double?)optimizer["momentum"] is > 0) Add("--momentum", optimizer["momentum"]);
            if (name == "sgd" && (bool?)optimizer["nesterov"] == true) words.Add("--nesterov");
            if (name == "rmsprop") Add("--rho", optimizer["rho"]);
        }
        if (options["reduce_lr_on_plateau"] is JsonObject plateau) AddPlateau(plateau, Add, words);
        Add("--patience", options["patience"]);
        Add("--seed", options["seed"]);
        Add("--precision", options["precision"]);
        Add("--limit", options["limit"]);
        Add("--restore-best", options["restore_best"]);
        Add("--data", options["data"]);
        Add("--data-dir", options["data_dir"]);
        if ((double?)options["validation_split"] is double fraction && fraction != ValidationSplit.BookFraction) Add("--validation-split", options["validation_split"]);
        Add("--model-dir", options["model_dir"]);
        if ((bool?)options["resume"] == true) words.Add("--resume");
        return string.Join(' ', words);
    }

    /// <summary>
    /// The schedule's options from its Keras config (keras' get_config keys), or the file it was read from; a default argument is
    /// left out, and --learning-rate is the initial rate of the schedules that take one.
    /// </summary>
    private static void AddSchedule(JsonObject schedule, JsonNode? file, Action<string, JsonNode?> add, List<string> words)
    {
        if (file is not null)
        {
            add("--lr-schedule", file);
            return;
        }
        var config = schedule["config"] as JsonObject ?? [];
        switch (schedule["class_name"]?.ToString())
        {
            case "ExponentialDecay":
                add("--learning-rate", config["initial_learning_rate"]);
                add("--lr-schedule", "exponential");
                add("--decay-steps", config["decay_steps"]);
                add("--decay-rate", config["decay_rate"]);
                if ((bool?)config["staircase"] == true) words.Add("--staircase");
                break;
            case "PiecewiseConstantDecay":
                add("--lr-schedule", "piecewise");
                add("--boundaries", string.Join(',', (config["boundaries"] as JsonArray ?? []).Select(b => Number(b))));
                add("--values", string.Join(',', (config["values"] as JsonArray ?? []).Select(v => Number(v))));
                break;
            case "CosineDecay":
                add("--learning-rate", config["initial_learning_rate"]);
                add("--lr-schedule", "cosine");
                add("--decay-steps", config["decay_steps"]);
                if ((double?)config["alpha"] is > 0) add("--alpha", config["alpha"]);
                if (config["warmup_target"] is { } target)
                {
                    add("--warmup-target", target);
                    add("--warmup-steps", config["warmup_steps"]);
                }
                break;
        }
    }

    /// <summary>--reduce-lr-on-plateau and each argument that is not Keras' default.</summary>
    private static void AddPlateau(JsonObject plateau, Action<string, JsonNode?> add, List<string> words)
    {
        words.Add("--reduce-lr-on-plateau");
        var defaults = new PlateauSettings();
        if (plateau["monitor"]?.ToString() != defaults.Monitor) add("--plateau-monitor", plateau["monitor"]);
        if ((double?)plateau["factor"] != defaults.Factor) add("--plateau-factor", plateau["factor"]);
        if ((int?)plateau["patience"] != defaults.Patience) add("--plateau-patience", plateau["patience"]);
        if (plateau["mode"]?.ToString() != defaults.Mode) add("--plateau-mode", plateau["mode"]);
        if ((double?)plateau["min_delta"] != defaults.MinDelta) add("--plateau-min-delta", plateau["min_delta"]);
        if ((int?)plateau["cooldown"] != defaults.Cooldown) add("--plateau-cooldown", plateau["cooldown"]);
        if ((double?)plateau["min_lr"] != defaults.MinLr) add("--plateau-min-lr", plateau["min_lr"]);
    }

    private static string Number(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue(out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : value?.ToString() ?? "";

    private static IEnumerable<(string, string, string?)> RunFacts(JsonObject run)
    {
        var options = run["options"] as JsonObject ?? [];
        var versions = run["versions"] as JsonObject ?? [];
        yield return ("command line", CommandLine(options), null);
        yield return ("architecture", options["architecture"]?.ToString() ?? "", null);
        yield return ("optimizer", options["optimizer"] is { } optimizer ? OptimizerSettings.DescribeJson(optimizer.ToJsonString()) : "", null);
        if (options["reduce_lr_on_plateau"] is JsonObject plateau)
            yield return ("learning rate", $"ReduceLROnPlateau ({string.Join(", ", plateau.Select(p => $"{p.Key} {Number(p.Value)}"))})", null);
        yield return ("seed", options["seed"]?.ToString() ?? "", null);
        yield return ("precision", options["precision"]?.ToString() ?? "", null);
        yield return ("device", run["device"]?.ToString() ?? "", null);
        yield return ("threads", run["threads"]?.ToString() ?? "", null);
        yield return ("machine", versions["os"]?.ToString() ?? "", null);
        yield return ("versions", string.Join(", ", versions.Where(v => v.Key != "os").Select(v => $"{v.Key} {v.Value}")), null);
        yield return ("started", run["started"]?.ToString() ?? "", null);
        yield return ("ended", run["ended"]?.ToString() ?? "(not recorded)", null);
        yield return ("wall time", WallTime(run), null);
        yield return ("peak memory", run["peak_resident_mb"] is { } peak ? $"{peak} MB resident" : "(not recorded)", null);
    }

    private static string WallTime(JsonObject run)
    {
        if (!DateTimeOffset.TryParse(run["started"]?.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var started)
            || !DateTimeOffset.TryParse(run["ended"]?.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var ended))
            return "(not recorded)";
        var span = ended - started;
        return span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{span.TotalSeconds:F1} s";
    }

    private static IEnumerable<(string, string, string?)> DataFacts(BookSplits data)
    {
        var parts = data.Parts;
        yield return ("data set", $"{parts.Location} ({parts.Kind})", null);
        yield return ("images", $"{parts.Shape}, {parts.ClassNames.Count} classes: {string.Join(", ", parts.ClassNames)}", null);
        string test = parts.Test is { } t ? $"{t.Count:N0} test images" : "no test part";
        yield return ("split", $"{data.Train.Count:N0} training / {data.Validation.Count:N0} validation images (the book's split), {test}", null);
        yield return ("training images", $"fingerprint {parts.Fingerprint}", null);
        if (parts.Skipped.Total > 0) yield return ("skipped files", parts.Skipped.ToString(), null);
    }

    /// <summary>The run's files and any exports in the model's folder, each a link relative to the page.</summary>
    private static IEnumerable<(string, string, string?)> FilesBeside(ReportSources sources)
    {
        var known = new (string What, string Name)[]
        {
            ("checkpoint", Checkpoint.FileName), ("checkpoint", Checkpoint.DenseFileName), ("history", ReportSources.HistoryName),
            ("history (csv)", "history.csv"), ("loss plot", "loss.png"), ("accuracy plot", "accuracy.png"), ("run record", ReportSources.RunRecordName),
            ("resume state", ResumeFile.FileName),
        };
        if (sources.Run is null && sources.History is null) known = [];
        foreach (var (what, name) in known)
        {
            string path = Path.Combine(sources.Folder, name);
            if (File.Exists(path)) yield return (what, name, Link(sources, path));
        }
        foreach (string export in Directory.EnumerateFiles(sources.Folder).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".pt", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            yield return ("export", Path.GetFileName(export), Link(sources, export));
    }

    /// <summary>A link from the page's folder to <paramref name="path"/>, with / between parts and each part escaped.</summary>
    private static string Link(ReportSources sources, string path)
    {
        string relative = Path.GetRelativePath(Path.GetDirectoryName(sources.Output)!, path);
        return string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
    }
}
