using System.CommandLine;
using FashionCnn.Model;
using FashionCnn.Optimizers;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn train</c>: Keras' model.fit with ModelCheckpoint and EarlyStopping, for any Sequential.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var architecture = CommonOptions.Architecture(
            $"The model to train: a bundled architecture ({string.Join(", ", ArchitectureSource.Bundled.Select(b => b.Name))}; "
            + "'fashioncnn summary --list' describes them), a Keras JSON config (model.to_json()), or a model file whose layers are used "
            + $"with fresh Keras initialisation. Default: {ArchitectureSource.Default}, the book's CNN (or the model of --init-from).");
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Start from this trained model's weights (any --model format), as keras.models.load_model then fit; the optimizer starts fresh.",
            HelpName = "MODEL",
        };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => defaults.Epochs }.AtLeast(1);
        var batchSize = CommonOptions.BatchSize(defaults.BatchSize, TrainingOptions.MaxBatchSize, "Images per training step.");
        var optimizer = CommonOptions.Choice("--optimizer",
            "adam (the book's chapter 8), sgd, rmsprop or adagrad, each with Keras 3's update rule and defaults. Keras' compile() without an optimizer uses rmsprop, as the book's 7-1 and 7-2 runs do.",
            "adam", "adam", "sgd", "rmsprop", "adagrad");
        var learningRate = new Option<double?>("--learning-rate")
        {
            Description = "The optimizer's learning rate; default: Keras' (0.01 for sgd, 0.001 for the others).",
            HelpName = "RATE",
        };
        learningRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is double value && !(value > 0 && double.IsFinite(value)))
                result.AddError($"--learning-rate must be a positive number (got {value})");
        });
        var momentum = new Option<double>("--momentum") { Description = "sgd only: momentum (Keras' default 0).", DefaultValueFactory = _ => 0 };
        var nesterov = new Option<bool>("--nesterov") { Description = "sgd only: Nesterov momentum (needs --momentum above 0)." };
        var rho = new Option<double>("--rho") { Description = "rmsprop only: decay of the squared-gradient average.", DefaultValueFactory = _ => 0.9 };
        var patience = new Option<int>("--patience")
        {
            Description = "Early stopping: epochs without a lower val_loss before stopping; 0 turns it off (as for the book's 7-1 and 7-2 runs).",
            DefaultValueFactory = _ => defaults.Patience,
        }.AtLeast(0);
        var seed = new Option<int>("--seed") { Description = "Seeds initial weights, shuffling and dropout.", DefaultValueFactory = _ => defaults.Seed };
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var threads = CommonOptions.Threads();
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick smoke runs).", HelpName = "N" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 and var value) result.AddError($"--limit must be at least 1 (got {value})");
        });
        var restoreBest = CommonOptions.Choice("--restore-best",
            "always: put the best epoch's weights back at the end (Keras 3); on-stop: only after an early stop (Keras 2).", "always", "always", "on-stop");
        var dataDir = CommonOptions.DataDir();
        var modelDir = new Option<string>("--model-dir")
        {
            Description = "Folder for the checkpoint, history and plots (created when missing).",
            DefaultValueFactory = _ => defaults.ModelDir,
            HelpName = "DIR",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the interrupted run in --model-dir from its last completed epoch (same model, optimizer, seed, batch size and limit).",
        };
        var command = new Command("train", "Train a Keras Sequential model (the book's CNN by default) on the 48,000 training images, validating on the other 12,000 after every epoch.")
        {
            architecture, initFrom, epochs, batchSize, optimizer, learningRate, momentum, nesterov, rho, patience, seed, device, precision, threads, limit,
            restoreBest, dataDir, modelDir, resume,
        };
        command.SetAction(parsed => Run(new TrainingOptions
        {
            Architecture = parsed.GetValue(architecture),
            InitFrom = parsed.GetValue(initFrom),
            Epochs = parsed.GetValue(epochs),
            BatchSize = parsed.GetValue(batchSize),
            Optimizer = new OptimizerSettings
            {
                Kind = OptimizerSettings.Parse(parsed.GetValue(optimizer)!),
                LearningRate = parsed.GetValue(learningRate),
                Momentum = parsed.GetValue(momentum),
                Nesterov = parsed.GetValue(nesterov),
                Rho = parsed.GetValue(rho),
            },
            Patience = parsed.GetValue(patience),
            Seed = parsed.GetValue(seed),
            Device = parsed.GetValue(device)!,
            Precision = Precisions.Parse(parsed.GetValue(precision)!),
            Threads = parsed.GetValue(threads),
            Limit = parsed.GetValue(limit),
            RestoreBest = parsed.GetValue(restoreBest) == "on-stop" ? RestoreBest.OnStop : RestoreBest.Always,
            DataDir = parsed.GetValue(dataDir),
            ModelDir = parsed.GetValue(modelDir)!,
            Resume = parsed.GetValue(resume),
        }));
        return command;
    }

    private static int Run(TrainingOptions options)
    {
        var interruption = TrainingInterruption.Register();
        var progress = new KerasProgressBar(Console.Out, interactive: !Console.IsOutputRedirected);
        var result = TrainingRun.Execute(options, progress, interruption.Token);
        interruption.RunRecorded(result);
        PrintSummary(result, options);
        return interruption.ExitCode();
    }

    private static void PrintSummary(TrainingResult result, TrainingOptions options)
    {
        Console.WriteLine();
        if (result.Interrupted)
            Console.WriteLine($"Interrupted after {result.History.Epochs.Count} complete epoch(s); the best checkpoint so far is kept.");
        else if (result.StoppedEarlyAtEpoch is int stopped)
            Console.WriteLine($"Stopped early at epoch {stopped} of {options.Epochs}: val_loss did not improve for {options.Patience} epoch(s) in a row (--patience {options.Patience}).");
        if (result.Best is { } best)
        {
            Console.WriteLine($"Best epoch: {result.BestEpoch} - val_loss: {best.ValLoss:F4} - val_accuracy: {best.ValAccuracy:F4}");
            Console.WriteLine(result.RestoredBestWeights
                ? $"Restored the weights of epoch {result.BestEpoch}."
                : $"Kept the weights of the last epoch ({result.History.Epochs.Count}); the checkpoint holds epoch {result.BestEpoch}.");
        }
        foreach (var (what, path) in result.Files.Existing())
            Console.WriteLine($"  {what,-14} {CommonOptions.DisplayPath(path)}");
    }
}
