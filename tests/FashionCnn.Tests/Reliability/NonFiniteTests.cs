using System.Text.Json;
using FashionCnn.Plotting;
using FashionCnn.Training;
using SkiaSharp;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// NaN and infinity reach the writers from a diverged run, a checkpoint with NaN weights or an ONNX model whose outputs
/// are NaN. Every writer takes them: JSON writes null (and reads it back as NaN), a plot leaves them out and says so.
/// </summary>
public class NonFiniteTests
{
    public static TheoryData<string, double> Writers()
    {
        string[] writers = ["history.json", "json output", "checkpoint metrics", "loss and accuracy plots", "probability chart", "histogram", "weight matrix", "image grid"];
        var data = new TheoryData<string, double>();
        foreach (string writer in writers)
            foreach (double value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                data.Add(writer, value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Every_writer_takes_a_number_that_is_not_finite(string writer, double value)
    {
        using var temp = new TempFolder();
        string png = temp.File("out.png");
        float single = (float)value;
        float[] values = [0.25f, single, -0.5f, 1, 0];
        switch (writer)
        {
            case "history.json":
                var history = new History();
                history.Add(new EpochRecord(1, 0.5, 0.8, 0.4, 0.85, 1));
                history.Add(new EpochRecord(2, value, 0.1, value, 0.1, 1));
                string json = history.ToJson();
                Assert.Contains("\"val_loss\": null", json);
                var back = History.FromJson(json);
                Assert.True(double.IsNaN(back.Epochs[1].ValLoss) && back.Epochs[0].ValLoss == 0.4);
                return;
            case "json output":
                string output = JsonFormat.Serialize(new { loss = value, probabilities = values, finite = 0.5 });
                using (var document = JsonDocument.Parse(output))
                {
                    Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("loss").ValueKind);
                    Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("probabilities")[1].ValueKind);
                    Assert.Equal(0.5, document.RootElement.GetProperty("finite").GetDouble());
                }
                return;
            case "checkpoint metrics":
                string metrics = JsonFormat.SerializeCompact(new { loss = 0.3, val_loss = value });
                Assert.Equal("{\"loss\":0.3,\"val_loss\":null}", metrics);
                return;
            case "loss and accuracy plots":
                var run = new History();
                run.Add(new EpochRecord(1, 0.5, 0.8, 0.4, 0.85, 1));
                run.Add(new EpochRecord(2, value, value, value, value, 1));
                TrainingCurves.SaveLoss(run, png);
                TrainingCurves.SaveAccuracy(run, temp.File("accuracy.png"));
                AssertPicture(temp.File("accuracy.png"));
                break;
            case "probability chart":
                ProbabilityChart.Save([0.1, value, 0.6, 0, 0, 0, 0, 0, 0, 0.3], FashionCnn.Data.FashionClasses.Names, png, "a picture");
                break;
            case "histogram":
                Histogram.Save(values, png, "weights");
                break;
            case "weight matrix":
                WeightMatrixPlot.Save([.. values, 0.5f], 2, 3, png, "dense");
                break;
            case "image grid":
                ImageGrid.Save(png, "maps", [new GridImage([.. values, 0.1f, 0.2f, 0.3f, 0.4f], 3, 3)], 1, new ScottPlot.Colormaps.Viridis());
                break;
        }
        AssertPicture(png);
    }

    private static void AssertPicture(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.True(bitmap.Width > 100 && bitmap.Height > 100);
    }

    /// <summary>A learning rate that makes the loss overflow: one line, exit 1, and the history written, nulls and all.</summary>
    [Fact]
    public void A_run_whose_loss_becomes_infinite_stops_as_diverged_with_its_history_written()
    {
        using var temp = new TempFolder();
        var result = FashionCnn.Tests.EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot,
            ["train", "--learning-rate", "1e35", "--limit", "256", "--epochs", "2", "--device", "cpu", "--model-dir", temp.Path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^fashioncnn: training diverged: (the loss|val_loss) became NaN or infinite at epoch \d", result.Stderr.Trim());
        Assert.Single(result.Stderr.Trim().Split('\n'));
        History.FromJson(File.ReadAllText(Path.Combine(temp.Path, "history.json")));
        Assert.EndsWith("Try a lower --learning-rate (now 1E+35).", result.Stderr.Trim());
    }

    /// <summary>Under a schedule the advice names the rate at the step that overflowed, not the starting one.</summary>
    [Fact]
    public void A_run_that_diverges_under_a_schedule_names_the_schedules_rate_at_that_step()
    {
        using var temp = new TempFolder();
        // 8 steps an epoch; from step 5 the rate is 1e35.
        var result = FashionCnn.Tests.EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot,
            ["train", "--lr-schedule", "piecewise", "--boundaries", "4", "--values", "0.001,1e35", "--limit", "256", "--epochs", "2",
                "--device", "cpu", "--no-report", "--model-dir", temp.Path]);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("Try a schedule with lower rates (it gave 1E+35 at that step).", result.Stderr.Trim());
    }
}

/// <summary>A Keras config with a value of the wrong JSON kind, or text that is not valid UTF-16, is one line and exit 2.</summary>
public class MalformedConfigTests
{
    public static TheoryData<string> Configs() => new()
    {
        """{"class_name": "Sequential", "config": "x"}""",
        """{"class_name": "Sequential", "config": 5}""",
        """{"class_name": "Sequential", "config": {"layers": "x"}}""",
        """{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": "x"}]}}""",
        """{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": "\ud800", "units": 10}}]}}""",
        """{"class_name": "Sequential", "config": {"layers": [{"class_name": "\udc00", "config": {"name": "d"}}]}}""",
        """{"class_name": "\ud800"}""",
        """{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": ["d"], "units": 10}}]}}""",
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_config_value_of_the_wrong_kind_is_one_line_exit_2(string json)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("config.json"), json);

        var result = FashionCnn.Tests.EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot, ["summary", "--architecture", temp.File("config.json")]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.StartsWith("fashioncnn: ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}

/// <summary>
/// A shape whose product passes 2³¹ values: 16 × 268,435,457 = 2³² + 16, which an int product reads as 16, so a
/// summary used to show Flatten's output as (None, 16) and build a model for a shape the file never had.
/// </summary>
public class ShapeOverflowTests
{
    [Theory]
    [InlineData("""[{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 16, 268435457], "name": "i"}}, {"class_name": "Flatten", "config": {"name": "f"}}, {"class_name": "Dense", "config": {"name": "d", "units": 10}}]""")]
    public void A_shape_of_more_values_than_a_tensor_holds_is_one_line_exit_2_naming_the_file(string layers)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("wrap.json"), """{"class_name": "Sequential", "config": {"name": "s", "layers": """ + layers + "}}");

        var result = FashionCnn.Tests.EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot, ["summary", "--architecture", temp.File("wrap.json")]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("wrap.json", result.Stderr);
        Assert.Contains("2,147,483,647", result.Stderr);
    }
}
