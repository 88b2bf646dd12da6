using System.Text.Json;

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
}
