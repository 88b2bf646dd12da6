using System.Text.Json.Nodes;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// Ctrl+C at each phase of an epoch's end: writing the history and the resume state between epochs, and at the end of
/// the run restoring the best weights, drawing the plots, writing the run record and printing the summary. Every time
/// the process ends with 130 and its run.json says it was interrupted.
/// </summary>
[Collection(nameof(Serial))]
public class InterruptTests
{
    /// <summary>The first or the last of two epochs ends (the line with its val_accuracy), then after <paramref name="delayMs"/> comes Ctrl+C.</summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 100)]
    [InlineData(2, 0)]
    [InlineData(2, 50)]
    [InlineData(2, 100)]
    public void Ctrl_c_after_an_epoch_ends_is_exit_130_and_recorded(int epoch, int delayMs)
    {
        using var temp = new TempFolder();
        using var run = new TrainingProcess("--limit", "64", "--epochs", "2", "--patience", "0", "--seed", "3", "--model-dir", temp.Path);
        run.WaitFor("val_accuracy", count: epoch);
        Thread.Sleep(delayMs);

        Assert.True(run.Interrupt(), $"the run had ended before Ctrl+C, {delayMs} ms after epoch {epoch}:\n{run.Stdout}");
        int exitCode = run.WaitForExit();

        Assert.True(exitCode == 130, $"exit {exitCode} for Ctrl+C {delayMs} ms after epoch {epoch}:\n{run.Stdout}\n{run.Stderr}");
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "run.json")))!;
        Assert.True(record["interrupted"]?.GetValue<bool>() == true, $"run.json: {record.ToJsonString()}");
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
