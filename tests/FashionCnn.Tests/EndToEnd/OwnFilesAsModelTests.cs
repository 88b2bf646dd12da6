using System.Text.Json;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// Every kind of file the tool writes, given to every verb that takes --model: a model file reads back as the model it
/// holds (the same numbers as the checkpoint it came from), anything else is refused in one line that names what it is.
/// The resume file train writes once read as a PyTorch state_dict and scored 0.10 where its epoch had scored 0.92.
/// </summary>
public class OwnFilesAsModelTests : IClassFixture<OwnFilesAsModelTests.OneRun>
{
    /// <summary>A one-epoch run of the default CNN, its checkpoint exported in each format, and a picture; made once for the class.</summary>
    public sealed class OneRun : IDisposable
    {
        internal TempFolder Folder { get; } = new();

        internal string Models => Folder.File("models");

        internal List<CliRunner.Result> Made { get; } = [];

        /// <summary>The checkpoint's own numbers, by verb, computed when first needed.</summary>
        internal Dictionary<string, JsonElement> Reference { get; } = [];

        public OneRun()
        {
            Made.Add(CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--epochs", "1", "--limit", "256", "--device", "cpu", "--model-dir", Models));
            foreach (var (format, file) in new[] { ("pt", "exported.pt"), ("safetensors", "exported.safetensors"), ("onnx", "exported.onnx") })
                Made.Add(CliRunner.Run(TestPaths.RepositoryRoot, "export", "--model", Path.Combine(Models, "best-cnn-model.safetensors"),
                    "--format", format, "--output", Folder.File(file)));
        }

        public void Dispose() => Folder.Dispose();
    }

    private readonly OneRun _run;

    public OwnFilesAsModelTests(OneRun run)
    {
        _run = run;
        Assert.All(run.Made, made => Assert.True(made.ExitCode == 0, made.Stderr));
    }

    /// <summary>The files, by kind: where each lies relative to the run's folder, and the words its refusal must hold (null: a model).</summary>
    public static TheoryData<string, string?> Kinds => new()
    {
        { "models/best-cnn-model.safetensors", null },
        { "models/last-epoch.safetensors", null },
        { "exported.pt", null },
        { "exported.safetensors", null },
        { "exported.onnx", "ONNX" },
        { "models/history.json", "training history" },
        { "models/history.csv", "training history" },
        { "models/run.json", "run record" },
        { "models/loss.png", "PNG picture" },
        { "DATA", "Fashion-MNIST IDX" },
    };

    /// <summary>The verbs that take --model, each run the shortest way; OUT is a fresh folder.</summary>
    private static readonly Dictionary<string, string[]> Verbs = new()
    {
        ["evaluate"] = ["evaluate", "--split", "val", "--json", "--out", "OUT"],
        ["predict"] = ["predict", "--index", "0", "--json"],
        ["visualize"] = ["visualize", "--out", "OUT"],
        ["explain"] = ["explain", "--index", "0", "--out", "OUT"],
        ["export"] = ["export", "--format", "safetensors", "--output", "OUT/again.safetensors"],
        ["summary"] = ["summary"],
    };

    private CliRunner.Result Run(string verb, string file)
    {
        using var temp = new TempFolder();
        string path = file == "DATA"
            // The IDX files data download writes, as the repository keeps them.
            ? Path.Combine(TestPaths.DataDirectory, "t10k-labels-idx1-ubyte.gz")
            : Path.Combine(_run.Folder.Path, file);
        string[] args = [.. Verbs[verb].Select(a => a.Replace("OUT", temp.Path)), "--model", path];
        return CliRunner.Run(TestPaths.RepositoryRoot, args);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_verb_reads_the_file_as_what_it_is_or_refuses_it_in_one_line_naming_it(string file, string? refusal)
    {
        var failures = new List<string>();
        foreach (string verb in Verbs.Keys)
        {
            var result = Run(verb, file);
            bool onnxRuns = file.EndsWith(".onnx") && verb is "evaluate" or "predict";
            if (refusal is null || onnxRuns)
            {
                if (result.ExitCode != 0) failures.Add($"{verb}: exit {result.ExitCode}: {result.Stderr.Trim()}");
                else if (verb is "evaluate" or "predict") failures.AddRange(SameNumbers(verb, result));
            }
            else
            {
                string[] lines = result.Stderr.TrimEnd().Split('\n');
                if (result.ExitCode != 2 || lines.Length != 1 || !lines[0].Contains(refusal, StringComparison.Ordinal))
                    failures.Add($"{verb}: exit {result.ExitCode}, expected one line naming \"{refusal}\": {result.Stderr.Trim()}");
            }
        }
        Assert.True(failures.Count == 0, $"{file}:\n{string.Join('\n', failures)}");
    }

    private IEnumerable<string> SameNumbers(string verb, CliRunner.Result result)
    {
        if (!_run.Reference.TryGetValue(verb, out var reference))
            _run.Reference[verb] = reference = JsonDocument.Parse(Run(verb, "models/best-cnn-model.safetensors").Stdout).RootElement.Clone();
        var actual = JsonDocument.Parse(result.Stdout).RootElement;
        if (verb == "evaluate")
        {
            if (actual.GetProperty("correct").GetInt32() != reference.GetProperty("correct").GetInt32()
                || Math.Abs(actual.GetProperty("loss").GetDouble() - reference.GetProperty("loss").GetDouble()) > 1e-4)
                yield return $"evaluate: {actual.GetProperty("correct")} correct, loss {actual.GetProperty("loss")}; "
                             + $"the checkpoint: {reference.GetProperty("correct")}, loss {reference.GetProperty("loss")}";
            yield break;
        }
        var top = actual[0].GetProperty("predictions")[0];
        var expected = reference[0].GetProperty("predictions")[0];
        if (top.GetProperty("class").GetInt32() != expected.GetProperty("class").GetInt32()
            || Math.Abs(top.GetProperty("probability").GetDouble() - expected.GetProperty("probability").GetDouble()) > 1e-4)
            yield return $"predict: {top}; the checkpoint: {expected}";
    }
}
