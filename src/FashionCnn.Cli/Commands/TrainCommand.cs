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
        var options = new TrainOptions();
        var command = new Command("train", "Train a Keras Sequential model (the book's CNN by default) on the 48,000 training images, validating on the other 12,000 after every epoch.");
        foreach (var option in options.All) command.Add(option);
        command.SetAction(parsed => Run(options.Read(parsed), writeReport: !parsed.GetValue(options.NoReport)));
        return command;
    }

    /// <summary>train's options, each declared once with its help and default, and how they become <see cref="TrainingOptions"/>.</summary>
    private sealed class TrainOptions
    {
        private static readonly TrainingOptions Defaults = new();

        private readonly Option<string?> _architecture = CommonOptions.Architecture(
            $"The model to train: a bundled architecture ({string.Join(", ", ArchitectureSource.Bundled.Select(b => b.Name))}; "
            + "'fashioncnn summary --list' describes them), a Keras JSON config (model.to_json()), or a model file whose layers are used "
            + $"with fresh Keras initialisation. Default: {ArchitectureSource.Default}, the book's CNN (or the model of --init-from).");

        private readonly Option<string?> _initFrom = new("--init-from")
        {
            Description = "Start from this trained model's weights (any --model format), as keras.models.load_model then fit; the optimizer starts fresh.",
            HelpName = "MODEL",
        };

        private readonly Option<int> _epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => Defaults.Epochs };

        private readonly Option<int> _batchSize = CommonOptions.BatchSize(Defaults.BatchSize, TrainingOptions.MaxBatchSize, "Images per training step.");

        private readonly Option<string> _optimizer = CommonOptions.Choice("--optimizer",
            "adam (the book's chapter 8), sgd, rmsprop or adagrad, each with Keras 3's update rule and defaults. Keras' compile() without an optimizer uses rmsprop, as the book's 7-1 and 7-2 runs do.",
            "adam", [.. OptimizerSettings.Names.Names]);

        private readonly Option<double?> _learningRate = new Option<double?>("--learning-rate")
        {
            Description = "The optimizer's learning rate (the initial one under an exponential or cosine --lr-schedule); default: Keras' (0.01 for sgd, 0.001 for the others).",
            HelpName = "RATE",
        };

        private readonly Option<double?> _momentum = new("--momentum") { Description = $"sgd only: momentum (default: Keras' {OptimizerSettings.DefaultMomentum}).", HelpName = "M" };

        private readonly Option<bool> _nesterov = new("--nesterov") { Description = "sgd only: Nesterov momentum (needs --momentum above 0)." };

        private readonly Option<double?> _rho = new("--rho") { Description = $"rmsprop only: decay of the squared-gradient average (default: Keras' {OptimizerSettings.DefaultRho}).", HelpName = "RHO" };

        private readonly Option<int> _patience = new Option<int>("--patience")
        {
            Description = "Early stopping: epochs without a lower val_loss before stopping; 0 turns it off (as for the book's 7-1 and 7-2 runs).",
            DefaultValueFactory = _ => Defaults.Patience,
        };

        private readonly Option<int> _seed = new("--seed") { Description = "Seeds initial weights, shuffling and dropout.", DefaultValueFactory = _ => Defaults.Seed };

        private readonly Option<string> _device = CommonOptions.Device();

        private readonly Option<string> _precision = CommonOptions.Precision();

        private readonly Option<int> _threads = CommonOptions.Threads();

        private readonly Option<int?> _limit = new Option<int?>("--limit") { Description = "Train on the first N training images only (quick smoke runs).", HelpName = "N" };

        private readonly Option<string> _restoreBest = CommonOptions.Choice("--restore-best",
            "always: put the best epoch's weights back at the end (Keras 3); on-stop: only after an early stop (Keras 2).", "always", [.. RestoreBests.Spelling.Names]);

        private readonly DataOptionSet _data = new();

        private readonly LearningRateOptionSet _learningRates = new();

        private readonly Option<string> _modelDir = new("--model-dir")
        {
            Description = "Folder for the checkpoint, history and plots (created when missing).",
            DefaultValueFactory = _ => Defaults.ModelDir,
            HelpName = "DIR",
        };

        public readonly Option<bool> NoReport = new("--no-report")
        {
            Description = $"Do not write {FashionCnn.Page.ReportOptions.FileName}, the page of the run that train writes into --model-dir at the end of every run (see 'fashioncnn report').",
        };

        private readonly Option<bool> _resume = new("--resume")
        {
            Description = "Continue the interrupted run in --model-dir from its last completed epoch (same model, optimizer, seed, batch size and limit).",
        };

        private readonly Option<bool> _overwrite = new("--overwrite")
        {
            Description = "Replace the files of another run in --model-dir (another architecture, optimizer, seed, batch size, limit, precision or data); without it such a run is refused before anything is written.",
        };

        /// <summary>Every option, in the order help lists them.</summary>
        public IEnumerable<Option> All =>
        [
            _architecture, _initFrom, _epochs, _batchSize, _optimizer, _learningRate, _momentum, _nesterov, _rho, .. _learningRates.All, _patience, _seed,
            _device, _precision, _threads, _limit, _restoreBest, _modelDir, _resume, _overwrite, NoReport, .. _data.All,
        ];

        public TrainingOptions Read(ParseResult parsed) => new()
        {
            Architecture = parsed.GetValue(_architecture),
            InitFrom = parsed.GetValue(_initFrom),
            Epochs = parsed.GetValue(_epochs),
            BatchSize = parsed.GetValue(_batchSize),
            Optimizer = _learningRates.WithSchedule(parsed, new OptimizerSettings
            {
                Kind = OptimizerSettings.Parse(parsed.GetValue(_optimizer)!),
                LearningRate = parsed.GetValue(_learningRate),
                Momentum = parsed.GetValue(_momentum),
                Nesterov = parsed.GetValue(_nesterov),
                Rho = parsed.GetValue(_rho),
            }),
            ScheduleFile = _learningRates.ScheduleFile(parsed),
            ReduceLROnPlateau = _learningRates.Plateau(parsed),
            Patience = parsed.GetValue(_patience),
            Seed = parsed.GetValue(_seed),
            Compute = CommonOptions.ReadCompute(parsed, _device, _threads, _precision),
            Limit = parsed.GetValue(_limit),
            RestoreBest = RestoreBests.Spelling.Parse(parsed.GetValue(_restoreBest)!),
            Data = _data.Read(parsed),
            ModelDir = parsed.GetValue(_modelDir)!,
            Resume = parsed.GetValue(_resume),
            Overwrite = parsed.GetValue(_overwrite),
        };
    }

    private static int Run(TrainingOptions options, bool writeReport)
    {
        var interruption = TrainingInterruption.Register();
        var progress = new KerasProgressBar(Console.Out, interactive: !Console.IsOutputRedirected);
        TrainingResult result;
        try
        {
            result = TrainingRun.Execute(options, progress, interruption.Token);
        }
        catch (TrainingDivergedException failure) when (writeReport)
        {
            // A run that diverged has its history and checkpoint so far: its page says how it ended, then the error is reported as usual.
            WriteReport(options, failure.Message);
            throw;
        }
        interruption.RunRecorded(result);
        PrintSummary(result, options);
        if (writeReport)
        {
            bool signalled = interruption.Signalled;
            WriteReport(options, failure: null);
            // Ctrl+C while the page was written marks run.json interrupted after the page read it: written again, the page says so.
            if (!signalled && interruption.Signalled) WriteReport(options, failure: null);
        }
        return interruption.ExitCode();
    }

    /// <summary>The run's page, report.html in its folder (see <see cref="FashionCnn.Page.RunReport"/>).</summary>
    private static void WriteReport(TrainingOptions options, string? failure)
    {
        var report = FashionCnn.Page.RunReport.Write(new FashionCnn.Page.ReportOptions
        {
            ModelDir = options.ModelDir, Data = options.Data, Compute = options.Compute with { Precision = FashionCnn.Model.Precision.Float32 }, Failure = failure,
        });
        Console.WriteLine($"  {"report",-14} {CommonOptions.DisplayPath(report.Path)}");
    }

    private static void PrintSummary(TrainingResult result, TrainingOptions options)
    {
        Console.WriteLine();
        if (result.Interrupted)
        {
            // Ctrl+C in the first epoch leaves no epoch to checkpoint: say so rather than promise a file that is not there.
            bool kept = result.History.Epochs.Count > 0 && result.CheckpointWritten && File.Exists(result.Files.Checkpoint);
            Console.WriteLine($"Interrupted after {result.History.Epochs.Count} complete epoch(s); "
                              + (kept ? "the best checkpoint so far is kept."
                                  : result.History.Epochs.Count == 0 ? "no epoch finished, so there is no checkpoint." : "this run wrote no checkpoint."));
        }
        else if (result.StoppedEarlyAtEpoch is int stopped)
            Console.WriteLine($"Stopped early at epoch {stopped} of {options.Epochs}: val_loss did not improve for {options.Patience} epoch(s) in a row (--patience {options.Patience}).");
        if (result.Best is { } best)
        {
            Console.WriteLine($"Best epoch: {result.BestEpoch} - val_loss: {best.ValLoss:F4} - val_accuracy: {best.ValAccuracy:F4}");
            Console.WriteLine(result.RestoredBestWeights
                ? $"Restored the weights of epoch {result.BestEpoch}."
                : result.CheckpointWritten
                    ? $"Kept the weights of the last epoch ({result.History.Epochs.Count}); the checkpoint holds epoch {result.BestEpoch}."
                    : $"Kept the weights of the last epoch ({result.History.Epochs.Count}).");
        }
        if (!result.CheckpointWritten && result.SourceValLoss is { } source)
            Console.WriteLine($"No checkpoint written: no epoch beat the val_loss of {options.InitFrom} ({source:F5}).");
        foreach (var (what, path) in result.Files.Existing())
            Console.WriteLine($"  {what,-14} {CommonOptions.DisplayPath(path)}");
    }
}
