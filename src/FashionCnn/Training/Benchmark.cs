using System.Diagnostics;
using FashionCnn.Data;
using FashionCnn.Model;
using TorchSharp;

namespace FashionCnn.Training;

/// <summary>What <c>fashioncnn bench</c> measures with.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Timed training steps, after <see cref="WarmupSteps"/> untimed ones.</summary>
    public int Steps { get; init; } = 300;

    public int WarmupSteps { get; init; } = 20;

    public int BatchSize { get; init; } = 32;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public string Device { get; init; } = "auto";

    public int EvalBatchSize { get; init; } = Evaluation.DefaultBatchSize;

    public string? DataDir { get; init; }

    /// <summary>The model to time (see <see cref="TrainingOptions.Architecture"/>); the book's CNN by default.</summary>
    public string? Architecture { get; init; }
}

/// <summary>The numbers a user waits on: one training step, one evaluation pass, the start-up, the memory.</summary>
public sealed record BenchmarkResult(
    double TrainSamplesPerSecond, double MillisecondsPerStep, double EvalSamplesPerSecond, double FirstStepMilliseconds,
    double PeakResidentMegabytes, string Device, int Threads, int BatchSize, int Steps);

/// <summary>
/// Times the real training and evaluation code (<see cref="Trainer"/>, <see cref="Evaluation"/>) on the real
/// data: the steady-state step after a warm-up, the 12,000 validation images, the time from process start
/// to the end of the first step, and the peak resident memory.
/// </summary>
public static class Benchmark
{
    public static BenchmarkResult Run(BenchmarkOptions options)
    {
        if (options.Steps < 1 || options.WarmupSteps < 0 || options.EvalBatchSize < 1)
            throw new FashionCnnException("--steps and --eval-batch-size must be at least 1.");
        var trainingOptions = new TrainingOptions { BatchSize = options.BatchSize, Threads = options.Threads, Epochs = 1, Architecture = options.Architecture }.Validated();
        ArchitectureSource.RequireOption(options.Architecture, "--architecture");
        DataDirectory.RequireOption(options.DataDir);
        var device = ComputeDevice.Prepare(options.Device, options.Threads);
        var spec = TrainingModel.Build(trainingOptions).Spec;
        BatchMemory.Require(spec, options.BatchSize, "--batch-size");
        BatchMemory.RequireInference(spec, options.EvalBatchSize, "--eval-batch-size");
        var (train, validation, _) = TrainingData.Load(options.DataDir, device.Device, limit: null);
        using (train)
        using (validation)
        {
            using var net = new SequentialNet(spec);
            net.InitializeLikeKeras(trainingOptions.Seed);
            net.to(device.Device);
            using var trainer = new Trainer(net, trainingOptions);

            trainer.TrainEpoch(train, 0, NoProgress.Instance, CancellationToken.None, stepLimit: 1);
            double firstStep = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            if (options.WarmupSteps > 1)
                trainer.TrainEpoch(train, 1, NoProgress.Instance, CancellationToken.None, stepLimit: options.WarmupSteps - 1);

            // Epochs of the training set hold 1,500 steps at batch 32: longer windows run over several.
            var clock = Stopwatch.StartNew();
            int done = 0;
            for (int epoch = 2; done < options.Steps; epoch++)
            {
                int steps = Math.Min(options.Steps - done, (train.Count + options.BatchSize - 1) / options.BatchSize);
                trainer.TrainEpoch(train, epoch, NoProgress.Instance, CancellationToken.None, stepLimit: steps);
                done += steps;
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;

            Evaluation.Run(net, validation, options.EvalBatchSize); // warm-up: first use of the inference path
            clock.Restart();
            Evaluation.Run(net, validation, options.EvalBatchSize);
            double evalSeconds = clock.Elapsed.TotalSeconds;

            return new BenchmarkResult(
                done * options.BatchSize / trainSeconds, 1000 * trainSeconds / done, validation.Count / evalSeconds, firstStep,
                ResidentMemory.PeakMegabytes(), device.Description, torch.get_num_threads(), options.BatchSize, done);
        }
    }
}
