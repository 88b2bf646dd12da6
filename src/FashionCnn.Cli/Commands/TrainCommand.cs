using System.CommandLine;
using System.Runtime.InteropServices;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn train</c>: the book's model.fit with ModelCheckpoint and EarlyStopping.</summary>
internal static class TrainCommand
{
    /// <summary>Exit code after Ctrl+C, as a shell reports a process ended by SIGINT (128 + 2).</summary>
    private const int Interrupted = 130;

    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => defaults.Epochs }.AtLeast(1);
        var batchSize = CommonOptions.BatchSize(defaults.BatchSize, "Images per training step.");
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate.", DefaultValueFactory = _ => defaults.LearningRate }.Positive();
        var patience = new Option<int>("--patience")
        {
            Description = "Early stopping: epochs without a lower val_loss before stopping; 0 turns it off.",
            DefaultValueFactory = _ => defaults.Patience,
        }.AtLeast(0);
        var seed = new Option<int>("--seed") { Description = "Seeds initial weights, shuffling and dropout.", DefaultValueFactory = _ => defaults.Seed };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick smoke runs).", HelpName = "N" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 and var value) result.AddError($"--limit must be at least 1 (got {value})");
        });
        var restoreBest = new Option<string>("--restore-best")
        {
            Description = "always: put the best epoch's weights back at the end (Keras 3); on-stop: only after an early stop (Keras 2).",
            DefaultValueFactory = _ => "always",
        }.AcceptOnlyFromAmong("always", "on-stop");
        var dataDir = CommonOptions.DataDir();
        var modelDir = new Option<string>("--model-dir")
        {
            Description = "Folder for the checkpoint, history and plots.",
            DefaultValueFactory = _ => defaults.ModelDir,
            HelpName = "DIR",
        };

        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the interrupted run in --model-dir from its last completed epoch (same seed, batch size, learning rate and limit).",
        };
        var command = new Command("train", "Train the book's CNN on the 48,000 training images, validating on the other 12,000 after every epoch.")
        {
            epochs, batchSize, learningRate, patience, seed, device, threads, limit, restoreBest, dataDir, modelDir, resume,
        };
        command.SetAction(parsed =>
        {
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batchSize),
                LearningRate = parsed.GetValue(learningRate),
                Patience = parsed.GetValue(patience),
                Seed = parsed.GetValue(seed),
                Device = parsed.GetValue(device)!,
                Threads = parsed.GetValue(threads),
                Limit = parsed.GetValue(limit),
                RestoreBest = parsed.GetValue(restoreBest) == "on-stop" ? RestoreBest.OnStop : RestoreBest.Always,
                DataDir = parsed.GetValue(dataDir),
                ModelDir = parsed.GetValue(modelDir)!,
                Resume = parsed.GetValue(resume),
            };
            return Run(options);
        });
        return command;
    }

    private static int Run(TrainingOptions options)
    {
        using var cancellation = new CancellationTokenSource();
        // Ctrl+C and SIGTERM finish the current step, keep the best checkpoint and write the history.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            var progress = new KerasProgressBar(Console.Out, interactive: !Console.IsOutputRedirected);
            var result = TrainingRun.Execute(options, progress, cancellation.Token);
            PrintSummary(result);
            return result.Interrupted ? Interrupted : ExitCodes.Success;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void PrintSummary(TrainingResult result)
    {
        Console.WriteLine();
        if (result.Interrupted)
            Console.WriteLine($"Interrupted after {result.History.Epochs.Count} complete epoch(s); the best checkpoint so far is kept.");
        else if (result.StoppedEarlyAtEpoch is int stopped)
            Console.WriteLine($"Stopped early at epoch {stopped}: val_loss did not improve for the patience.");
        if (result.Best is { } best)
        {
            Console.WriteLine($"Best epoch: {result.BestEpoch} - val_loss: {best.ValLoss:F4} - val_accuracy: {best.ValAccuracy:F4}");
            Console.WriteLine(result.RestoredBestWeights
                ? $"Restored the weights of epoch {result.BestEpoch}."
                : $"Kept the weights of the last epoch ({result.History.Epochs.Count}); the checkpoint holds epoch {result.BestEpoch}.");
        }
        foreach (var (what, path) in result.Files)
            Console.WriteLine($"  {what,-14} {CommonOptions.DisplayPath(path)}");
    }
}
