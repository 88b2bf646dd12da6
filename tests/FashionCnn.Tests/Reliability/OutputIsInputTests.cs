using System.Runtime.InteropServices;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Prediction;
using FashionCnn.Tests.EndToEnd;
using FashionCnn.Tests.Onnx;

namespace FashionCnn.Tests.Reliability;

/// <summary>How an output path comes to name an input file.</summary>
public enum SameFileWay { SameText, DotSlash, DotDot, SymbolicLink, HardLink }

/// <summary>
/// Every output of every verb, made to name one of the same command's inputs in each way a user can (the same text,
/// <c>./x</c>, <c>d/../x</c>, a symbolic link, a hard link): one line naming the output's option and the input's, exit
/// code 2, and the input byte for byte as it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputIsInputTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    /// <summary>
    /// An output the user names: the case, the output's option, the input's option, the input's file, and the command
    /// with IN and OUT for the two paths (M: another model, the book's).
    /// </summary>
    public static TheoryData<string, string, string, string, string[], SameFileWay> Named()
    {
        var cases = new (string Case, string Output, string Input, string File, string[] Args)[]
        {
            ("export pt", "--output", "--model", "m.h5", ["export", "--model", "IN", "--format", "pt", "--output", "OUT"]),
            ("export onnx", "--output", "--model", "m.h5", ["export", "--model", "IN", "--format", "onnx", "--output", "OUT"]),
            ("export safetensors", "--output", "--model", "m.h5", ["export", "--model", "IN", "--format", "safetensors", "--output", "OUT"]),
            ("predict show-input over a picture", "--show-input", "image", "a.png", ["predict", "IN", "--model", "M", "--show-input", "OUT"]),
            ("predict save-probabilities over a picture", "--save-probabilities", "image", "a.png", ["predict", "IN", "--model", "M", "--save-probabilities", "OUT"]),
            ("predict show-input over the model", "--show-input", "--model", "m.h5", ["predict", "--index", "0", "--model", "IN", "--show-input", "OUT"]),
            ("summary diagram over the model", "--diagram", "--model", "m.h5", ["summary", "--model", "IN", "--diagram", "OUT"]),
            ("summary diagram over the architecture", "--diagram", "--architecture", "cfg.json", ["summary", "--architecture", "IN", "--diagram", "OUT"]),
        };
        var data = new TheoryData<string, string, string, string, string[], SameFileWay>();
        foreach (var c in cases)
            foreach (var way in Enum.GetValues<SameFileWay>())
                data.Add(c.Case, c.Output, c.Input, c.File, c.Args, way);
        return data;
    }

    [Theory]
    [MemberData(nameof(Named))]
    public void An_output_option_naming_an_input_is_refused_and_the_input_kept(string name, string output, string input, string file, string[] args, SameFileWay way)
    {
        using var temp = new TempFolder();
        string inputPath = MakeInputs(temp)[file];
        string outputPath = Spell(temp, inputPath, way);
        byte[] before = File.ReadAllBytes(inputPath);

        var result = CliRunner.Run(TestPaths.RepositoryRoot, [.. args.Select(a => a switch { "IN" => inputPath, "OUT" => outputPath, "M" => BookModel, _ => a })]);

        AssertRefused(result, output, input, $"{name}, {way}");
        Assert.Equal(before, File.ReadAllBytes(inputPath));
    }

    /// <summary>An output the command names itself inside the folder of an option: a link there to an input.</summary>
    public static TheoryData<string, string, string, string[], SameFileWay> Derived()
    {
        var cases = new (string Output, string Input, string File, string Written, string[] Args)[]
        {
            ("--out", "--model", "m.h5", "m-val-confusion-matrix.png", ["evaluate", "--model", "IN", "--out", "OUTDIR", "--device", "cpu"]),
            ("--out", "--model", "m.h5", "conv2d-weights-histogram.png", ["visualize", "--model", "IN", "--layer", "0", "--out", "OUTDIR"]),
            ("--out", "image", "a.png", "best-cnn-model-gradcam-conv2d_1-a.png", ["explain", "IN", "--model", "M", "--out", "OUTDIR"]),
        };
        var data = new TheoryData<string, string, string, string[], SameFileWay>();
        foreach (var c in cases)
            foreach (var way in new[] { SameFileWay.SymbolicLink, SameFileWay.HardLink })
                data.Add(c.Output, c.Input, c.File, [c.Written, .. c.Args], way);
        return data;
    }

    [Theory]
    [MemberData(nameof(Derived))]
    public void A_file_a_verb_writes_into_its_folder_is_never_one_of_its_inputs(string output, string input, string file, string[] writtenAndArgs, SameFileWay way)
    {
        using var temp = new TempFolder();
        string inputPath = MakeInputs(temp)[file];
        string outDir = temp.File("out");
        Directory.CreateDirectory(outDir);
        Link(inputPath, Path.Combine(outDir, writtenAndArgs[0]), way);
        byte[] before = File.ReadAllBytes(inputPath);

        var result = CliRunner.Run(TestPaths.RepositoryRoot,
            [.. writtenAndArgs[1..].Select(a => a switch { "IN" => inputPath, "OUTDIR" => outDir, "M" => BookModel, _ => a })]);

        AssertRefused(result, output, input, $"{writtenAndArgs[1]} {way}");
        Assert.Equal(before, File.ReadAllBytes(inputPath));
    }

    /// <summary>
    /// Fine-tuning the checkpoint in the folder it would write to: every spelling of the same file is refused with a line
    /// naming --model-dir, before a step is trained.
    /// </summary>
    [Theory]
    [InlineData(SameFileWay.SameText)]
    [InlineData(SameFileWay.DotSlash)]
    [InlineData(SameFileWay.DotDot)]
    [InlineData(SameFileWay.SymbolicLink)]
    [InlineData(SameFileWay.HardLink)]
    public void Train_refuses_to_write_its_checkpoint_over_the_init_from_model(SameFileWay way)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("models"));
        string checkpoint = OnnxTestModels.WriteCheckpoint(BookCnn(), Path.Combine(temp.File("models"), Checkpoint.FileName));
        // The same file, spelled or linked as the user might: the checkpoint train would write is the --init-from file.
        string initFrom = way is SameFileWay.SymbolicLink or SameFileWay.HardLink ? Spell(temp, checkpoint, way) : checkpoint;
        string modelDir = way switch
        {
            SameFileWay.DotSlash => Path.Combine(temp.Path, ".", "models"),
            SameFileWay.DotDot => Path.Combine(temp.File("models"), "..", "models"),
            _ => temp.File("models"),
        };
        byte[] before = File.ReadAllBytes(checkpoint);

        var result = CliRunner.Run(TestPaths.RepositoryRoot,
            ["train", "--init-from", initFrom, "--model-dir", modelDir, "--limit", "64", "--epochs", "1", "--device", "cpu"]);

        AssertRefused(result, "--model-dir", "--init-from", way.ToString());
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.False(File.Exists(Path.Combine(temp.File("models"), "history.json")));
    }

    private static void AssertRefused(CliRunner.Result result, string output, string input, string context)
    {
        string[] lines = result.Stderr.TrimEnd().Split('\n').Where(l => !l.Contains("NNPACK", StringComparison.Ordinal)).ToArray();
        Assert.True(result.ExitCode == 2 && lines.Length == 1, $"{context}: exit {result.ExitCode}, stderr: {result.Stderr}");
        Assert.StartsWith($"fashioncnn: {output} ", lines[0]);
        Assert.Contains($"same file as {input} ", lines[0]);
    }

    private static ModelSpec BookCnn() => KerasModelConfig.Parse(ArchitectureSource.BundledJson(ArchitectureSource.Default)!, "cnn");

    /// <summary>The inputs each case reads: a copy of the book's model, a picture of a data set image, an architecture config.</summary>
    private static Dictionary<string, string> MakeInputs(TempFolder temp)
    {
        File.Copy(BookModel, temp.File("m.h5"));
        var pixels = Enumerable.Range(0, 28 * 28).Select(i => (byte)(i % 28 * 9)).ToArray();
        GreyPng.Save(pixels, 28, 28, temp.File("a.png"));
        File.WriteAllText(temp.File("cfg.json"), ArchitectureSource.BundledJson(ArchitectureSource.Default));
        Directory.CreateDirectory(temp.File("sub"));
        return new() { ["m.h5"] = temp.File("m.h5"), ["a.png"] = temp.File("a.png"), ["cfg.json"] = temp.File("cfg.json") };
    }

    /// <summary>Another path to <paramref name="path"/>: the same text, ./name, sub/../name, or a new link to it.</summary>
    private static string Spell(TempFolder temp, string path, SameFileWay way)
    {
        string name = Path.GetFileName(path), folder = Path.GetDirectoryName(path)!;
        switch (way)
        {
            case SameFileWay.SameText: return path;
            case SameFileWay.DotSlash: return Path.Combine(folder, ".", name);
            case SameFileWay.DotDot: return Path.Combine(temp.File("sub"), "..", Path.GetRelativePath(temp.Path, path));
            default:
                string other = Path.Combine(folder, $"{way}-{name}");
                Link(path, other, way);
                return other;
        }
    }

    private static void Link(string target, string path, SameFileWay way)
    {
        if (way == SameFileWay.SymbolicLink) File.CreateSymbolicLink(path, target);
        else Assert.True(link(target, path) == 0, $"link {target} {path} failed ({Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string target, string path);
}
