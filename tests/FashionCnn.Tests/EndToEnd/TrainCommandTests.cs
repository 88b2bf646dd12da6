using System.Diagnostics;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Tests.Data;
using FashionCnn.Training;
using SkiaSharp;

namespace FashionCnn.Tests.EndToEnd;

public class TrainCommandTests
{
    [Fact]
    public void A_one_epoch_smoke_run_writes_every_file_and_each_decodes()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--epochs", "1", "--limit", "2048", "--model-dir", temp.Path, "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.Stderr);
        // An epoch over a minute (a busy machine) is written m:ss.
        Assert.Matches(@"Epoch 1/1\n64/64 \[=+\] - (\d+s|\d+:\d\d) \d+ms/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+\n", result.Stdout);
        Assert.Contains("Best epoch: 1", result.Stdout);

        var model = Checkpoint.Load(Path.Combine(temp.Path, "best-cnn-model.safetensors"));
        Assert.Equal("1", model.Metadata["epoch"]);
        Assert.Equal("2048", model.Metadata["limit"]);
        Assert.Equal(FashionCnn.Data.FashionMnist.PublishedSha256["train-images-idx3-ubyte"], model.Metadata["data_sha256"]);

        var history = History.FromJson(File.ReadAllText(Path.Combine(temp.Path, "history.json")));
        Assert.Single(history.Epochs);
        Assert.Equal(JsonSerializer.Deserialize<JsonElement>(model.Metadata["metrics"]).GetProperty("val_loss").GetDouble(), history.Epochs[0].ValLoss);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(temp.Path, "history.csv")).Length);

        foreach (string png in new[] { "loss.png", "accuracy.png" })
        {
            PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, png));
            using var bitmap = SKBitmap.Decode(Path.Combine(temp.Path, png));
            Assert.Equal((800, 500), (bitmap.Width, bitmap.Height));
        }

        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "run.json")));
        Assert.Equal(2048, run.RootElement.GetProperty("options").GetProperty("limit").GetInt32());
        Assert.Equal("cpu", run.RootElement.GetProperty("device").GetString());
        Assert.Equal("0.107.0", run.RootElement.GetProperty("versions").GetProperty("torchsharp").GetString());
        Assert.NotEqual(JsonValueKind.Null, run.RootElement.GetProperty("ended").ValueKind);
    }

    [Fact]
    public void Cuda_on_the_cpu_build_fails_at_once_saying_how_to_build_for_cuda()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--device", "cuda", "--model-dir", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Empty(Directory.GetFiles(temp.Path));
        // A command for each way the README runs it (dotnet run, the installed tool), naming files that exist.
        Assert.Contains("'dotnet run -p:TorchBackend=cuda --project src/FashionCnn.Cli -c Release -- ", result.Stderr);
        Assert.Contains("'scripts/install-tool.sh -p:TorchBackend=cuda'", result.Stderr);
        Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, "src", "FashionCnn.Cli", "FashionCnn.Cli.csproj")));
        Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, "scripts", "install-tool.sh")));
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "-1")]
    [InlineData("--learning-rate", "0")]
    [InlineData("--patience", "-2")]
    [InlineData("--limit", "0")]
    [InlineData("--device", "tpu")]
    [InlineData("--restore-best", "never")]
    [InlineData("--epochs", "ten")]
    public void Out_of_range_options_are_rejected_at_parse_time(string option, string value)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(value, result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Ctrl_c_keeps_the_best_checkpoint_writes_the_history_and_exits_130()
    {
        using var temp = new TempFolder();
        var start = new ProcessStartInfo(Path.Combine(TestPaths.CliDirectory, "fashioncnn"))
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "train", "--no-report", "--epochs", "50", "--limit", "1024", "--patience", "0", "--model-dir", temp.Path, "--device", "cpu" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();

        // Wait for the end of the first epoch, then interrupt the second.
        string? line;
        var seen = new List<string>();
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.Contains("checkpoint saved")) seen.Add(line);
        Assert.True(line is not null, "no epoch finished: " + string.Join('\n', seen));
        Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        string rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("Interrupted after", rest);
        var history = History.FromJson(File.ReadAllText(Path.Combine(temp.Path, "history.json")));
        Assert.InRange(history.Epochs.Count, 1, 49);
        var model = Checkpoint.Load(Path.Combine(temp.Path, "best-cnn-model.safetensors"));
        Assert.Equal(history.Epochs.MinBy(e => e.ValLoss)!.Epoch.ToString(), model.Metadata["epoch"]);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void A_run_with_other_options_never_replaces_another_runs_files_unless_told_to()
    {
        using var temp = new TempFolder();
        // Real images, few of them (validation on 200), so that the four runs are short.
        using var dataFolder = new TempFolder();
        string data = DataSetWriter.WriteSmallFashionCsv(dataFolder.File("data"), train: 1_000, test: 10);
        string[] first = ["train", "--no-report", "--epochs", "1", "--limit", "256", "--device", "cpu", "--data", data, "--model-dir", temp.Path];
        Assert.Equal(0, CliRunner.Run(TestPaths.RepositoryRoot, first).ExitCode);
        var before = Directory.GetFiles(temp.Path).ToDictionary(f => f, File.ReadAllBytes);

        var shorter = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--epochs", "1", "--limit", "128", "--device", "cpu", "--data", data, "--model-dir", temp.Path);
        var dense = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--epochs", "1", "--limit", "256", "--architecture", "7-3-dropout", "--device", "cpu", "--data", data, "--model-dir", temp.Path);

        foreach (var refused in new[] { shorter, dense })
        {
            Assert.Equal(2, refused.ExitCode);
            string line = Assert.Single(refused.Stderr.TrimEnd().Split('\n'));
            Assert.Contains("--model-dir", line);
            Assert.Contains("--overwrite", line);
        }
        Assert.Contains("--limit 256", shorter.Stderr);
        Assert.Contains("another architecture", dense.Stderr);
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(temp.Path).Order());

        // The same run again replaces its own files; another one does with --overwrite.
        Assert.Equal(0, CliRunner.Run(TestPaths.RepositoryRoot, first).ExitCode);
        var overwritten = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--epochs", "1", "--limit", "128", "--device", "cpu", "--data", data, "--model-dir", temp.Path, "--overwrite");
        Assert.True(overwritten.ExitCode == 0, overwritten.Stderr);
        Assert.Equal("128", FashionCnn.Checkpoints.Checkpoint.Load(Path.Combine(temp.Path, "best-cnn-model.safetensors")).Metadata["limit"]);
    }
}
