using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Plotting;
using FashionCnn.Tests.EndToEnd;
using FashionCnn.Training;
using SkiaSharp;

namespace FashionCnn.Tests.Reliability;

/// <summary>Smaller cases of the third adversarial pass: a link loop as an output, a run record gone bad under Ctrl+C, a huge diagram, escaped text.</summary>
public class RoundThreeTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    [Theory]
    [InlineData("export", "--output")]
    [InlineData("summary", "--diagram")]
    public void A_symbolic_link_loop_as_an_output_is_one_line_exit_2(string verb, string option)
    {
        using var temp = new TempFolder();
        File.CreateSymbolicLink(temp.File("a.png"), temp.File("b.png"));
        File.CreateSymbolicLink(temp.File("b.png"), temp.File("a.png"));

        var result = CliRunner.Run(TestPaths.RepositoryRoot, [verb, "--model", BookModel, option, temp.File("a.png")]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"fashioncnn: {option} ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("[1, 2]")]
    [InlineData("folder")]
    public void Marking_a_run_record_that_went_bad_gives_a_reason_instead_of_throwing(string what)
    {
        using var temp = new TempFolder();
        var files = TrainingFiles.In(temp.Path, KerasModelConfig.Parse(ArchitectureSource.BundledJson(ArchitectureSource.Default)!, "cnn"));
        if (what == "folder") Directory.CreateDirectory(files.RunRecord);
        else File.WriteAllText(files.RunRecord, what);

        string? reason = TrainingRun.RecordInterruption(files);

        Assert.NotNull(reason);
    }

    [Fact]
    public void A_diagram_of_thousands_of_layers_draws_the_first_and_last_and_says_how_many_are_left_out()
    {
        using var temp = new TempFolder();
        var layers = Enumerable.Range(0, 3000).Select(i => (Layer)new Dense($"dense_{i}", 4, Activation.Relu)).ToList();
        var spec = new ModelSpec(new TensorShape(4), layers);

        ModelDiagram.Save(spec, temp.File("diagram.png"), "deep");

        using var picture = SKBitmap.Decode(temp.File("diagram.png"));
        Assert.True(picture.Height <= 70 + (ModelDiagram.MaxDrawn + 1) * 95, $"{picture.Height} pixels high");
    }

    [Theory]
    [InlineData("clear\u001b[2J", "clear\\e[2J")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("bell\u0007", "bell\\u0007")]
    [InlineData("T-shirt/top", "T-shirt/top")]
    [InlineData("名前 😀", "名前 😀")]
    public void Text_from_files_is_shown_with_its_control_characters_escaped(string text, string shown) =>
        Assert.Equal(shown, DisplayText.Escape(text));

    /// <summary>A lone surrogate (which an attribute cannot carry into a test's data) is shown as its code.</summary>
    [Fact]
    public void A_lone_surrogate_is_shown_as_its_code() => Assert.Equal("lone\\ud800!", DisplayText.Escape("lone" + (char)0xD800 + "!"));

    /// <summary>A JPEG whose header claims 4096×4096 over the data of a 112×112 picture once decoded to grey and was classified.</summary>
    [Fact]
    public void A_jpeg_whose_data_ends_before_its_declared_size_is_one_line_exit_2()
    {
        using var temp = new TempFolder();
        using (var bitmap = new SKBitmap(112, 112))
        {
            bitmap.Erase(SKColors.White);
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            byte[] bytes = data.ToArray();
            // The start-of-frame marker (FFC0) holds the height and width two and four bytes after its precision byte.
            int sof = Enumerable.Range(0, bytes.Length - 1).First(i => bytes[i] == 0xFF && bytes[i + 1] == 0xC0);
            foreach (int at in new[] { sof + 5, sof + 7 }) (bytes[at], bytes[at + 1]) = (0x10, 0x00);
            File.WriteAllBytes(temp.File("claims-4096.jpg"), bytes);
        }

        var result = CliRunner.Run(TestPaths.RepositoryRoot, ["predict", temp.File("claims-4096.jpg"), "--model", BookModel]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stdout} {result.Stderr}");
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("claims-4096.jpg", result.Stderr);
    }

    /// <summary>A resume file with an absurd step count or NaN weights is the file's fault: one line naming it, exit 2.</summary>
    [Fact]
    public void A_resume_file_with_an_absurd_step_or_nan_weights_is_one_line_exit_2_naming_it()
    {
        using var temp = new TempFolder();
        string[] run = ["train", "--no-report", "--limit", "64", "--epochs", "1", "--device", "cpu", "--model-dir"];
        var first = CliRunner.Run(TestPaths.RepositoryRoot, [.. run, temp.File("first")]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var saved = FashionCnn.Checkpoints.SafeTensors.Read(Path.Combine(temp.File("first"), ResumeFile.FileName));
        var damaged = new Dictionary<string, (IEnumerable<FashionCnn.Checkpoints.NamedTensor> Tensors, Dictionary<string, string> Metadata)>
        {
            ["step"] = (saved.Tensors, new Dictionary<string, string>(saved.Metadata) { ["optimizer_step"] = long.MaxValue.ToString() }),
            ["nan"] = (saved.Tensors.Select((t, i) => i == 0 ? t with { Values = t.Values.Select(_ => float.NaN).ToArray() } : t), new Dictionary<string, string>(saved.Metadata)),
        };
        foreach (var (name, (tensors, metadata)) in damaged)
        {
            Directory.CreateDirectory(temp.File(name));
            using (var stream = File.Create(Path.Combine(temp.File(name), ResumeFile.FileName))) FashionCnn.Checkpoints.SafeTensors.Write(stream, tensors, metadata);

            var resumed = CliRunner.Run(TestPaths.RepositoryRoot, ["train", "--no-report", "--limit", "64", "--epochs", "2", "--device", "cpu", "--resume", "--model-dir", temp.File(name)]);

            Assert.True(resumed.ExitCode == 2, $"{name}: exit {resumed.ExitCode}: {resumed.Stderr}");
            Assert.StartsWith($"fashioncnn: {ResumeFile.FileName}: ", resumed.Stderr);
            Assert.Single(resumed.Stderr.Trim().Split('\n'));
        }
    }
}
