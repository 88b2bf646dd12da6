using System.Text.Json;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// train's --lr-schedule and --reduce-lr-on-plateau through the real executable: the learning rate per epoch in the history
/// (Keras' learning_rate key: the optimizer's rate at the epoch's end), kept across --resume, and bad input refused in one line.
/// --limit 256 at batch 32 makes 8 steps an epoch.
/// </summary>
public class LearningRateCommandTests
{
    private static readonly string[] Exponential = ["--lr-schedule", "exponential", "--decay-steps", "4", "--decay-rate", "0.5", "--learning-rate", "0.01"];

    private static CliRunner.Result Train(string modelDir, int epochs, params string[] more) => CliRunner.Run(TestPaths.RepositoryRoot,
        ["train", "--epochs", $"{epochs}", "--limit", "256", "--device", "cpu", "--patience", "0", "--model-dir", modelDir, .. more]);

    /// <summary>The train command line the report shows for the run in <paramref name="modelDir"/>, from its run record.</summary>
    private static string CommandLine(string modelDir)
    {
        var run = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "run.json")))!;
        return FashionCnn.Page.RunSection.CommandLine(run["options"]!.AsObject());
    }

    private static double[] HistoryRates(string modelDir)
    {
        using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDir, "history.json")));
        return history.RootElement.EnumerateArray().Select(e => e.GetProperty("learning_rate").GetDouble()).ToArray();
    }

    private static void AssertRates(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-15, $"epoch {i + 1}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void An_exponential_schedule_records_each_epochs_rate_in_the_history()
    {
        using var temp = new TempFolder();
        var result = Train(temp.Path, 2, Exponential);

        Assert.True(result.ExitCode == 0, result.Stderr);
        // 0.01 · 0.5^(steps / 4) after 8 and 16 steps.
        AssertRates([0.01 * Math.Pow(0.5, 2), 0.01 * Math.Pow(0.5, 4)], HistoryRates(temp.Path));
        string[] csv = File.ReadAllLines(Path.Combine(temp.Path, "history.csv"));
        Assert.EndsWith(",learning_rate", csv[0]);
        Assert.EndsWith(",0.0025", csv[1]);
        Assert.Contains("learning_rate: 6.2500e-04", result.Stdout); // Keras' Progbar writes a value ≤ 1e-3 in scientific notation
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "run.json")));
        var schedule = run.RootElement.GetProperty("options").GetProperty("optimizer").GetProperty("learning_rate_schedule");
        Assert.Equal("ExponentialDecay", schedule.GetProperty("class_name").GetString());
        Assert.Equal(4, schedule.GetProperty("config").GetProperty("decay_steps").GetDouble());

        Assert.Contains("--optimizer adam --learning-rate 0.01 --lr-schedule exponential --decay-steps 4 --decay-rate 0.5 --patience 0", CommandLine(temp.Path));
        string page = File.ReadAllText(Path.Combine(temp.Path, "report.html"));
        Assert.Contains("learning_rate", page); // the training table's column
        Assert.Contains("0.000625", page);
    }

    [Fact]
    public void A_resumed_schedule_continues_from_the_saved_step_count()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "schedule.json");
        File.WriteAllText(file, """
            {"module": "keras.optimizers.schedules", "class_name": "CosineDecay",
             "config": {"initial_learning_rate": 0.0, "decay_steps": 16, "alpha": 0.0, "name": "CosineDecay", "warmup_target": 0.002, "warmup_steps": 4},
             "registered_name": null}
            """);
        string dir = Path.Combine(temp.Path, "run");
        var first = Train(dir, 1, "--lr-schedule", file, "--no-report");
        var resumed = Train(dir, 2, "--lr-schedule", file, "--resume", "--no-report");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        // After 8 steps: 4 steps into the decay, 0.002 · ½(1 + cos(π·4/16)); after 16: 12 steps in, 0.002 · ½(1 + cos(π·12/16)).
        AssertRates([0.002 * 0.5 * (1 + Math.Cos(Math.PI / 4)), 0.002 * 0.5 * (1 + Math.Cos(Math.PI * 3 / 4))], HistoryRates(dir));
        Assert.Contains($"--optimizer adam --lr-schedule {file} --patience 0", CommandLine(dir));
    }

    [Fact]
    public void A_resumed_plateau_keeps_its_wait_and_the_reduced_rate()
    {
        // min_delta 100: only the first epoch improves; patience 2 reduces at the end of epoch 3 (0.001 → 0.0005), which a
        // fresh callback after the resume would not (its first epoch would be an improvement).
        using var temp = new TempFolder();
        string[] plateau = ["--reduce-lr-on-plateau", "--plateau-factor", "0.5", "--plateau-patience", "2", "--plateau-min-delta", "100"];
        var first = Train(temp.Path, 2, [.. plateau, "--no-report"]);
        var resumed = Train(temp.Path, 4, [.. plateau, "--resume"]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        AssertRates([0.001, 0.001, 0.001, 0.0005], HistoryRates(temp.Path));
        Assert.Contains("Epoch 3: ReduceLROnPlateau reducing learning rate to 0.0005.", resumed.Stdout);
        Assert.Contains("optimizer adam (learning rate 0.001), ReduceLROnPlateau (monitor val_loss, factor 0.5, patience 2,", resumed.Stdout);
        Assert.Contains("--learning-rate 0.001 --reduce-lr-on-plateau --plateau-factor 0.5 --plateau-patience 2 --plateau-min-delta 100 --patience 0", CommandLine(temp.Path));
        Assert.Contains("ReduceLROnPlateau (monitor val_loss, factor 0.5, patience 2, mode auto, min_delta 100, cooldown 0, min_lr 0)",
            File.ReadAllText(Path.Combine(temp.Path, "report.html")));
    }

    [Theory]
    [InlineData("--lr-schedule linear", "--lr-schedule must be exponential, piecewise, cosine")]
    [InlineData("--lr-schedule exponential --decay-steps 4", "needs --decay-rate")]
    [InlineData("--lr-schedule exponential --decay-steps 4 --decay-rate 0.5 --alpha 0.1", "--alpha is not an argument of --lr-schedule exponential")]
    [InlineData("--lr-schedule cosine --decay-steps 0", "decay_steps must be > 0")]
    [InlineData("--lr-schedule cosine --decay-steps 10 --learning-rate 0", "or 0 before a warm-up")]
    [InlineData("--lr-schedule cosine --decay-steps 10 --warmup-steps 5", "warmup_steps needs a warmup_target")]
    [InlineData("--lr-schedule piecewise --boundaries 10 --values 0.1,x", "--values must be numbers")]
    [InlineData("--lr-schedule piecewise --boundaries 10 --values 0.1,0.01 --learning-rate 0.1", "its rates come from --values")]
    [InlineData("--decay-steps 10", "--decay-steps is an argument of --lr-schedule")]
    [InlineData("--reduce-lr-on-plateau --plateau-factor 1", "--plateau-factor must be above 0 and below 1")]
    [InlineData("--reduce-lr-on-plateau --plateau-factor 2.5", "--plateau-factor must be above 0 and below 1")]
    [InlineData("--plateau-patience 3", "--plateau-patience is an argument of --reduce-lr-on-plateau")]
    [InlineData("--reduce-lr-on-plateau --lr-schedule cosine --decay-steps 10", "--reduce-lr-on-plateau and --lr-schedule together")]
    public void Bad_schedule_or_plateau_input_is_one_line_and_exit_2(string arguments, string message)
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run(TestPaths.RepositoryRoot, ["train", "--model-dir", temp.Path, .. arguments.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(Path.Combine(temp.Path, "history.json")));
    }
}
