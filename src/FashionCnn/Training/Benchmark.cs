using System.Diagnostics;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Model;
using FashionCnn.Onnx;
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

    /// <summary>With ONNX Runtime, the trained model is also exported to ONNX and both engines' inference is timed side by side.</summary>
    public InferenceEngine Engine { get; init; } = InferenceEngine.TorchSharp;

    /// <summary>Timed evaluation passes per engine in the side-by-side comparison, alternating, after one untimed pass each.</summary>
    public int EngineRounds { get; init; } = 3;
}

/// <summary>What runs a model for inference: TorchSharp (libtorch), or ONNX Runtime on an exported ONNX file.</summary>
public enum InferenceEngine { TorchSharp, OnnxRuntime }

/// <summary>
/// Inference throughput of one model in both engines, through the path <c>evaluate</c> takes (<see cref="ClassifierEvaluation"/>
/// on the 12,000 validation images): medians over alternating rounds, so both share the machine's noise alike.
/// </summary>
public sealed record EngineComparison(
    double TorchSharpSamplesPerSecond, double OnnxRuntimeSamplesPerSecond, double ExportMilliseconds, long OnnxBytes, int Rounds)
{
    public double OnnxRuntimeSpeedup => OnnxRuntimeSamplesPerSecond / TorchSharpSamplesPerSecond;
}

/// <summary>The numbers a user waits on: one training step, one evaluation pass, the start-up, the memory.</summary>
public sealed record BenchmarkResult(
    double TrainSamplesPerSecond, double MillisecondsPerStep, double EvalSamplesPerSecond, double FirstStepMilliseconds,
    double PeakResidentMegabytes, string Device, int Threads, int BatchSize, int Steps, EngineComparison? Engines = null);

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
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EngineRounds, 1);
        var trainingOptions = new TrainingOptions { BatchSize = options.BatchSize, Threads = options.Threads, Epochs = 1, Architecture = options.Architecture }.Validated();
        var device = ComputeDevice.Prepare(options.Device, options.Threads);
        var spec = TrainingModel.Build(trainingOptions).Spec;
        BatchMemory.Require(spec, options.BatchSize, "--batch-size");
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

            var engines = options.Engine == InferenceEngine.OnnxRuntime ? CompareEngines(net, device, options) : null;
            return new BenchmarkResult(
                done * options.BatchSize / trainSeconds, 1000 * trainSeconds / done, validation.Count / evalSeconds, firstStep,
                ResidentMemory.PeakMegabytes(), device.Description, torch.get_num_threads(), options.BatchSize, done, engines);
        }
    }

    /// <summary>Exports the trained net to ONNX in memory and times evaluation through both engines with the same threads and batch size.</summary>
    private static EngineComparison CompareEngines(SequentialNet net, ComputeDevice device, BenchmarkOptions options)
    {
        var images = BookSplits.Load(options.DataDir).Validation;
        var model = new LoadedModel(net, FashionClasses.Names, new Dictionary<string, string>(), "bench");
        var clock = Stopwatch.StartNew();
        byte[] onnx = OnnxExport.ToBytes(model, source: null);
        double exportMilliseconds = clock.Elapsed.TotalMilliseconds;
        // Not disposed: the net is the run's, which disposes it. The classifier puts it in eval mode, as evaluate has it.
        var torchSharp = new TorchSharpClassifier(model, device.Device);
        using var onnxRuntime = OnnxRuntimeClassifier.FromBytes(onnx, "bench.onnx", options.Threads);
        double SamplesPerSecond(IClassifier classifier)
        {
            var watch = Stopwatch.StartNew();
            ClassifierEvaluation.Run(classifier, images, options.EvalBatchSize);
            return images.Count / watch.Elapsed.TotalSeconds;
        }
        SamplesPerSecond(torchSharp);
        SamplesPerSecond(onnxRuntime);
        var rounds = Enumerable.Range(0, options.EngineRounds).Select(_ => (SamplesPerSecond(torchSharp), SamplesPerSecond(onnxRuntime))).ToList();
        return new EngineComparison(Median(rounds.Select(r => r.Item1)), Median(rounds.Select(r => r.Item2)), exportMilliseconds, onnx.Length, rounds.Count);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
