using FashionCnn.Checkpoints;
using FashionCnn.Training;

namespace FashionCnn.Tests.Reliability;

[Collection(nameof(Serial))]
public class CrashSafetyTests
{
    private static readonly string[] Run = ["--limit", "1024", "--patience", "0", "--seed", "7"];

    [Fact]
    public void Killing_training_at_any_moment_leaves_a_loadable_best_checkpoint()
    {
        using var temp = new TempFolder();
        var random = new Random(2024);
        for (int kill = 0; kill < 3; kill++)
        {
            using var process = new TrainingProcess([.. Run, "--epochs", "50", "--model-dir", temp.Path]);
            process.WaitFor("checkpoint saved");
            Thread.Sleep(random.Next(0, 2500)); // somewhere in a later epoch, possibly mid-write
            process.Kill();

            var model = Checkpoint.Load(Path.Combine(temp.Path, Checkpoint.FileName));
            var history = History.FromJson(File.ReadAllText(Path.Combine(temp.Path, "history.json")));
            Assert.Contains(history.Epochs, e => e.Epoch.ToString() == model.Metadata["epoch"]);
            ResumeFile.Load(Path.Combine(temp.Path, ResumeFile.FileName));
        }
    }

    [Fact]
    public void A_run_killed_mid_epoch_and_resumed_ends_with_the_history_of_an_uninterrupted_run()
    {
        using var temp = new TempFolder();
        using (var whole = new TrainingProcess([.. Run, "--epochs", "3", "--model-dir", temp.File("whole")]))
            Assert.Equal(0, whole.WaitForExit());

        using (var interrupted = new TrainingProcess([.. Run, "--epochs", "3", "--model-dir", temp.File("parts")]))
        {
            interrupted.WaitFor("checkpoint saved");
            interrupted.WaitFor("Epoch 2/3");
            interrupted.Kill();
        }
        using (var resumed = new TrainingProcess([.. Run, "--epochs", "3", "--model-dir", temp.File("parts"), "--resume"]))
        {
            Assert.Equal(0, resumed.WaitForExit());
            Assert.Contains("Resuming after epoch 1 of 3", resumed.Stdout);
        }

        History Read(string dir) => History.FromJson(File.ReadAllText(Path.Combine(temp.File(dir), "history.json")));
        Assert.Equal(Read("whole").Epochs.Select(e => e with { Seconds = 0 }), Read("parts").Epochs.Select(e => e with { Seconds = 0 }));
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.File("whole"), Checkpoint.FileName)).Length,
            File.ReadAllBytes(Path.Combine(temp.File("parts"), Checkpoint.FileName)).Length);
        Assert.Empty(Directory.GetFiles(temp.File("parts"), ".*.tmp"));
        // The run record's measurements are kept through the resume: one per epoch of the whole run.
        using var record = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.File("parts"), "run.json")));
        Assert.Equal(3, record.RootElement.GetProperty("resident_mb_per_epoch").GetArrayLength());
        Assert.Equal(3, record.RootElement.GetProperty("live_tensors_per_epoch").GetArrayLength());
    }

    [Fact]
    public void Resume_refuses_a_different_seed_and_a_finished_run()
    {
        using var temp = new TempFolder();
        using (var first = new TrainingProcess([.. Run, "--epochs", "1", "--model-dir", temp.Path]))
            Assert.Equal(0, first.WaitForExit());

        using var otherSeed = new TrainingProcess(["--limit", "1024", "--patience", "0", "--seed", "8", "--epochs", "2", "--model-dir", temp.Path, "--resume"]);
        Assert.Equal(2, otherSeed.WaitForExit());
        Assert.Contains("--seed 7, not --seed 8", otherSeed.Stderr);

        using var finished = new TrainingProcess([.. Run, "--epochs", "1", "--model-dir", temp.Path, "--resume"]);
        Assert.Equal(2, finished.WaitForExit());
        Assert.Contains("already completed 1 epoch", finished.Stderr);
    }

    [Fact]
    public void A_second_training_run_in_the_same_folder_is_refused_naming_the_first()
    {
        using var temp = new TempFolder();
        using var first = new TrainingProcess([.. Run, "--epochs", "50", "--model-dir", temp.Path]);
        first.WaitFor("Epoch 1/50");

        using var second = new TrainingProcess([.. Run, "--epochs", "1", "--model-dir", temp.Path]);
        Assert.Equal(2, second.WaitForExit());
        Assert.Contains($"in use by another fashioncnn train (process {first.Id})", second.Stderr);
        Assert.False(File.Exists(Path.Combine(temp.Path, "history.json")) && first.Stdout.Length == 0);
    }

    [Fact]
    public void A_diverging_loss_stops_with_epoch_and_step_and_exit_code_1()
    {
        using var temp = new TempFolder();
        using var run = new TrainingProcess(["--limit", "1024", "--epochs", "3", "--learning-rate", "1e12", "--model-dir", temp.Path]);

        Assert.Equal(1, run.WaitForExit());
        string error = run.Stderr.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Matches(@"fashioncnn: training diverged: the loss became NaN or infinite at epoch \d+, step \d+", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_clean_run_removes_its_lock_and_the_lock_of_a_killed_run_does_not_block_the_next()
    {
        using var temp = new TempFolder();
        using (var killed = new TrainingProcess([.. Run, "--epochs", "2", "--model-dir", temp.Path]))
        {
            killed.WaitFor("Epoch 1/2");
            killed.Kill();
        }
        Assert.True(File.Exists(Path.Combine(temp.Path, ModelDirectoryLock.LockName)), "the killed run left its lock file");

        using (var next = new TrainingProcess([.. Run, "--epochs", "1", "--model-dir", temp.Path]))
            Assert.Equal(0, next.WaitForExit());

        Assert.Empty(Directory.GetFiles(temp.Path, ".train.lock*"));
    }
}
