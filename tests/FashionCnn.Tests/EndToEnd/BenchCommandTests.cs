using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FashionCnn.Tests.EndToEnd;

public class BenchCommandTests
{
    [Fact]
    public void Bench_json_reports_every_measure_for_the_requested_setup()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "bench", "--steps", "5", "--batch-size", "16", "--threads", "1", "--device", "cpu", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        foreach (string key in new[] { "train_samples_per_s", "ms_per_step", "eval_samples_per_s", "first_step_ms", "peak_rss_mb" })
            Assert.True(json.GetProperty(key).GetDouble() > 0, key);
        Assert.Equal(16, json.GetProperty("batch_size").GetInt32());
        Assert.Equal(1, json.GetProperty("threads").GetInt32());
        Assert.Equal(5, json.GetProperty("steps").GetInt32());
        Assert.StartsWith("cpu", json.GetProperty("device").GetString());
        // samples/s and ms/step describe the same window.
        Assert.Equal(16 * 1000 / json.GetProperty("ms_per_step").GetDouble(), json.GetProperty("train_samples_per_s").GetDouble(), 0.02 * json.GetProperty("train_samples_per_s").GetDouble());
    }

    [Fact]
    public void Bench_baseline_prints_both_training_rates_and_their_ratio()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "bench", "--baseline", "--steps", "5", "--batch-size", "16", "--threads", "1", "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.Stderr);
        double Rate(string name) => PrintedRate(result.Stdout, name);
        double tool = Rate("fashioncnn"), baseline = Rate("torchsharp");
        var ratio = Regex.Match(result.Stdout, @"^  ratio +(\d+\.\d\d)× the idiomatic TorchSharp", RegexOptions.Multiline);
        Assert.True(ratio.Success, result.Stdout);
        Assert.Contains("333,526 parameters", result.Stdout[result.Stdout.IndexOf("idiomatic TorchSharp", StringComparison.Ordinal)..]);
        Assert.Contains("median of 3 alternating rounds of 5 steps", result.Stdout);
        Assert.True(tool > 0 && baseline > 0, result.Stdout);
        // The printed rates are rounded to whole samples/s, the ratio to hundredths.
        Assert.Equal(tool / baseline, double.Parse(ratio.Groups[1].Value, CultureInfo.InvariantCulture), 0.005 + tool / baseline * (1 / tool + 1 / baseline));
    }

    [Fact]
    public void Bench_baseline_json_gives_both_rates_and_their_ratio()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "bench", "--baseline", "--steps", "4", "--batch-size", "16", "--threads", "1", "--device", "cpu", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var baseline = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("baseline");
        double tool = baseline.GetProperty("train_samples_per_s").GetDouble(), torchSharp = baseline.GetProperty("baseline_train_samples_per_s").GetDouble();
        Assert.True(tool > 0 && torchSharp > 0, result.Stdout);
        Assert.Equal(tool / torchSharp, baseline.GetProperty("ratio").GetDouble(), 0.002 * tool / torchSharp);
        Assert.Equal(333_526, baseline.GetProperty("parameters").GetInt64());
        Assert.Equal(4, baseline.GetProperty("steps_per_round").GetInt32());
        Assert.Equal(3, baseline.GetProperty("rounds").GetInt32());
    }

    [Fact]
    public void Bench_compare_precision_prints_float32_and_mixed_bfloat16_rates_and_their_ratio()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "bench", "--compare-precision", "--precision", "mixed_bfloat16", "--steps", "4", "--batch-size", "16", "--threads", "1", "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.Stderr);
        double Rate(string name) => PrintedRate(result.Stdout, name);
        // float32 is the reference whichever precision the benchmark itself ran.
        double float32 = Rate("float32"), bfloat16 = Rate("mixed_bfloat16");
        var ratio = Regex.Match(result.Stdout, @"^  ratio +(\d+\.\d\d)× float32's rate with mixed_bfloat16", RegexOptions.Multiline);
        Assert.True(ratio.Success, result.Stdout);
        Assert.Equal(bfloat16 / float32, double.Parse(ratio.Groups[1].Value, CultureInfo.InvariantCulture), 0.005 + bfloat16 / float32 * (1 / float32 + 1 / bfloat16));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("evaluate", "--split", "nope")]
    public void Help_and_parse_errors_never_load_libtorch(params string[] args)
    {
        // glibc's loader lists every shared library it loads when LD_DEBUG=libs.
        var result = CliRunner.Run(TestPaths.RepositoryRoot, new Dictionary<string, string?> { ["LD_DEBUG"] = "libs" }, args);

        Assert.Contains("libc.so", result.Stderr); // the listing works here
        Assert.DoesNotContain("libtorch", result.Stderr);
        Assert.DoesNotContain("libLibTorchSharp", result.Stderr);
    }

    /// <summary>The samples/s printed on the line "  NAME   1234 samples/s" of bench's text output.</summary>
    private static double PrintedRate(string stdout, string name) => double.Parse(
        Regex.Match(stdout, $@"^  {name} +(\d+) samples/s", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(stdout),
        CultureInfo.InvariantCulture);
}
