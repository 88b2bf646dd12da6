using System.Diagnostics;
using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Inference;
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

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();

    public int EvalBatchSize { get; init; } = Evaluation.DefaultBatchSize;

    public DataOptions Data { get; init; } = new();

    /// <summary>The model to time (see <see cref="TrainingOptions.Architecture"/>); the book's CNN by default.</summary>
    public string? Architecture { get; init; }

    /// <summary>Also split a step into its parts (<see cref="StepProfile"/>).</summary>
    public bool Profile { get; init; }

    /// <summary>Steps the profile averages over.</summary>
    public int ProfileSteps { get; init; } = 50;

    /// <summary>With ONNX Runtime, the trained model is also exported to ONNX and both engines' inference is timed side by side.</summary>
    public InferenceEngine Engine { get; init; } = InferenceEngine.TorchSharp;

    /// <summary>Timed evaluation passes per engine in the side-by-side comparison, alternating, after one untimed pass each.</summary>
    public int EngineRounds { get; init; } = 3;

    /// <summary>Also time the same network written the way a TorchSharp user would (<see cref="TorchSharpBaseline"/>) against the tool's step.</summary>
    public bool Baseline { get; init; }

    /// <summary>
    /// Steps per window of the comparisons (<see cref="Baseline"/>, <see cref="ComparePrecision"/>), which alternate a window of each
    /// side for <see cref="Steps"/> steps each, in at least 3 rounds. Short windows share the load of a busy machine alike: with
    /// windows of 300 steps, one side could run while another process held a core and the ratio of three runs ranged 0.7–1.5.
    /// </summary>
    public int ComparisonWindow { get; init; } = 50;

    /// <summary>Also train the network in the other precision and compare the two rates (<see cref="PrecisionComparison"/>), in windows of <see cref="ComparisonWindow"/> steps.</summary>
    public bool ComparePrecision { get; init; }
}

/// <summary>
/// The numbers a user waits on (one training step, one evaluation pass, the start-up, the memory) and what they
/// mean against this machine: the step's arithmetic rate as a share of the machine's matrix-product rate.
/// </summary>
public sealed record BenchmarkResult(
    double TrainSamplesPerSecond, double MillisecondsPerStep, double EvalSamplesPerSecond, double FirstStepMilliseconds,
    double PeakResidentMegabytes, string Device, int Threads, int BatchSize, int Steps, string Model, long Parameters,
    string Precision, double StepGflop, double AchievedGflops, PeakRate MatmulPeak, IReadOnlyList<PeakRate> Convolutions,
    IReadOnlyList<ProfilePart>? Profile, EngineComparison? Engines = null, BaselineComparison? Baseline = null,
    PrecisionComparison? Precisions = null)
{
    /// <summary>The step's achieved rate as a share of the matrix-product peak of its compute dtype: comparable across machines.</summary>
    public double Efficiency => AchievedGflops / MatmulPeak.Gflops;
}

/// <summary>
/// Times the real training and evaluation code (<see cref="Trainer"/>, <see cref="Evaluation"/>) on the real
/// data: the steady-state step after a warm-up, the 12,000 validation images, the time from process start
/// to the end of the first step, the peak resident memory, and in the same process the machine's peak rates.
/// </summary>
public static class Benchmark
{
    public static BenchmarkResult Run(BenchmarkOptions options)
    {
        if (options.Steps < 1) throw new FashionCnnException($"--steps must be at least 1 (got {options.Steps}).");
        if (options.EvalBatchSize is < 1 or > Evaluation.MaxBatchSize)
            throw new FashionCnnException($"--eval-batch-size must be between 1 and {Evaluation.MaxBatchSize:N0} (got {options.EvalBatchSize}).");
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProfileSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EngineRounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ComparisonWindow, 1);
        var trainingOptions = new TrainingOptions
        {
            BatchSize = options.BatchSize, Compute = options.Compute, Epochs = 1, Architecture = options.Architecture,
        }.Validated();
        ArchitectureSource.RequireOption(options.Architecture, "--architecture");
        DataSources.RequireOptions(options.Data);
        var device = ComputeDevice.Prepare(options.Compute);
        var data = BookSplits.Load(options.Data);
        var summary = DataSummary.Of(data);
        var model = TrainingModel.Build(trainingOptions, summary);
        BatchMemory.Require(model.Spec, options.BatchSize, "--batch-size");
        BatchMemory.RequireInference(model.Spec, options.EvalBatchSize, "--eval-batch-size");
        var (train, validation, _) = TrainingData.Upload(data, device.Device, limit: null);
        data = null;
        TrainingData.ReleaseHostCopies();
        using (train)
        {
            using var net = new SequentialNet(model.Spec);
            net.InitializeLikeKeras(trainingOptions.Seed);
            net.to(device.Device);
            net.Precision = options.Compute.Precision;
            using var trainer = new Trainer(net, trainingOptions);

            trainer.TrainEpoch(train, 0, NoProgress.Instance, CancellationToken.None, stepLimit: 1);
            double firstStep = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            if (options.WarmupSteps > 1)
                trainer.TrainEpoch(train, 1, NoProgress.Instance, CancellationToken.None, stepLimit: options.WarmupSteps - 1);
            var (trainSeconds, done) = TimeSteps(train, options.BatchSize, options.Steps,
                (epoch, steps) => trainer.TrainSteps(train, epoch, steps));

            using var classifier = TorchSharpClassifier.Borrowing(net, summary.ClassNames, device.Device);
            Evaluation.Run(classifier, validation, options.EvalBatchSize); // warm-up: first use of the inference path
            var clock = Stopwatch.StartNew();
            Evaluation.Run(classifier, validation, options.EvalBatchSize);
            double evalSeconds = clock.Elapsed.TotalSeconds;

            double msPerStep = 1000 * trainSeconds / done;
            double stepGflop = StepCost.TrainingFlops(model.Spec) * (double)options.BatchSize / 1e9;
            var dtype = options.Compute.Precision == Precision.MixedBFloat16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;
            var profile = options.Profile ? StepProfile.Measure(net, trainer, train, options.ProfileSteps) : null;
            var engines = options.Engine == InferenceEngine.OnnxRuntime ? EngineComparison.Measure(net, validation, summary.ClassNames, device, options) : null;
            // The tool's memory, read before the baseline's network and optimizer state add to it.
            double peakMegabytes = ResidentMemory.PeakMegabytes();
            var baseline = options.Baseline ? BaselineComparison.Measure(trainer, train, options, trainingOptions, model.Spec) : null;
            var precisions = options.ComparePrecision ? PrecisionComparison.Measure(net, trainer, train, options, trainingOptions) : null;
            return new BenchmarkResult(
                done * options.BatchSize / trainSeconds, msPerStep, validation.Count / evalSeconds, firstStep,
                peakMegabytes, device.Description, torch.get_num_threads(), options.BatchSize, done,
                model.Description, model.Spec.ParameterCount, options.Compute.Precision.Name(), stepGflop, stepGflop / (msPerStep / 1000),
                MachinePeak.Matmul(dtype, device.Device), MachinePeak.Convolutions(model.Spec, options.BatchSize, options.Compute.Precision, device.Device),
                profile, engines, baseline, precisions);
        }
    }

    /// <summary>
    /// The timed window: <paramref name="trainSteps"/> (epoch, steps) over epochs 2, 3, … as needed (1,500 steps each at batch
    /// 32), the epochs after the warm-up's, so every window trains on the same batches.
    /// </summary>
    internal static (double Seconds, int Steps) TimeSteps(DeviceDataset train, int batchSize, int totalSteps, Action<int, int> trainSteps)
    {
        var clock = Stopwatch.StartNew();
        int done = 0;
        for (int epoch = 2; done < totalSteps; epoch++)
        {
            int steps = Math.Min(totalSteps - done, (train.Count + batchSize - 1) / batchSize);
            trainSteps(epoch, steps);
            done += steps;
        }
        MachinePeak.Synchronize(train.Images.device);
        return (clock.Elapsed.TotalSeconds, done);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
