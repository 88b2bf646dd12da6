using System.Text.Json.Nodes;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// Ctrl+C at each phase of an epoch's end: writing the history and the resume state between epochs, and at the end of
/// the run restoring the best weights, drawing the plots, writing the run record and printing the summary. Every time
/// the process ends with 130 and its run.json says it was interrupted. (A busy machine only makes each phase longer,
/// so these run beside other tests.)
/// </summary>
public class InterruptTests
{
    /// <summary>
    /// After the line with the first or the last epoch's val_accuracy, or after the summary's last line (when the run has
    /// written its record and the process is on its way out), and <paramref name="delayMs"/> later, comes Ctrl+C.
    /// </summary>
    [Theory]
    [InlineData("val_accuracy", 1, 0)]
    [InlineData("val_accuracy", 1, 100)]
    [InlineData("val_accuracy", 2, 0)]
    [InlineData("val_accuracy", 2, 50)]
    [InlineData("val_accuracy", 2, 100)]
    [InlineData("resume state", 1, 0)]
    public void Ctrl_c_at_the_end_of_an_epoch_is_exit_130_and_recorded(string line, int count, int delayMs)
    {
        // After the summary's last line the process may be gone before the signal arrives; such a try says nothing
        // about the handling, so the run is repeated until a signal lands (at most a few times).
        for (int attempt = 1; ; attempt++)
        {
            using var temp = new TempFolder();
            using var run = new TrainingProcess("--limit", "64", "--epochs", "2", "--patience", "0", "--seed", "3", "--model-dir", temp.Path);
            run.WaitFor(line, count);
            Thread.Sleep(delayMs);
            if (!run.Interrupt())
            {
                Assert.True(attempt < 5, $"in 5 runs the process always ended before Ctrl+C, {delayMs} ms after '{line}' #{count}");
                continue;
            }
            AssertInterrupted(run, temp, line, count, delayMs);
            return;
        }
    }

    [Fact]
    public void Ctrl_c_in_the_first_epoch_says_there_is_no_checkpoint()
    {
        // An epoch of 4,096 images takes seconds; a signal sent at its first line lands long before its end. A run that
        // still finished its epoch first says nothing about the message and is repeated.
        for (int attempt = 1; ; attempt++)
        {
            using var temp = new TempFolder();
            using var run = new TrainingProcess("--limit", "4096", "--epochs", "2", "--seed", "3", "--model-dir", temp.Path);
            run.WaitFor("Epoch 1/2");
            Assert.True(run.Interrupt(), "the run ended before Ctrl+C");
            Assert.Equal(130, run.WaitForExit());
            if (run.Stdout.Contains("val_accuracy"))
            {
                Assert.True(attempt < 3, "in 3 runs the first epoch always finished before Ctrl+C arrived");
                continue;
            }

            Assert.Contains("Interrupted after 0 complete epoch(s); no epoch finished, so there is no checkpoint.", run.Stdout);
            Assert.DoesNotContain("checkpoint so far is kept", run.Stdout);
            Assert.Empty(Directory.GetFiles(temp.Path, "*.safetensors"));
            return;
        }
    }

    [Fact]
    public void Ctrl_c_while_the_page_is_written_ends_in_130_and_a_page_that_says_interrupted()
    {
        // The summary's "run record" line comes just before the page is written (seconds: it evaluates val and test).
        using var temp = new TempFolder();
        using var run = TrainingProcess.WithReport("--limit", "64", "--epochs", "1", "--patience", "0", "--seed", "3", "--model-dir", temp.Path);
        run.WaitFor("run record");
        Assert.True(run.Interrupt(), "the run ended before Ctrl+C");

        Assert.Equal(130, run.WaitForExit());
        string page = File.ReadAllText(Path.Combine(temp.Path, "report.html"));
        Assert.Contains("Interrupted (Ctrl+C or SIGTERM) after 1 complete epoch(s) of 1", page);
        Assert.DoesNotContain("Finished all", page);
    }

    private static void AssertInterrupted(TrainingProcess run, TempFolder temp, string line, int count, int delayMs)
    {
        int exitCode = run.WaitForExit();

        Assert.True(exitCode == 130, $"exit {exitCode} for Ctrl+C {delayMs} ms after '{line}' #{count}:\n{run.Stdout}\n{run.Stderr}");
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "run.json")))!;
        Assert.True(record["interrupted"]?.GetValue<bool>() == true, $"run.json: {record.ToJsonString()}");
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
