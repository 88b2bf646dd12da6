using FashionCnn.Model;
using TorchSharp;

namespace FashionCnn.Training;

/// <summary>
/// mixed_bfloat16's training rate against float32's: the same network from the same initial weights trained in both
/// precisions on the same batches, medians over rounds that alternate a short window of each (<see cref="AlternatingWindows"/>).
/// </summary>
public sealed record PrecisionComparison(double Float32SamplesPerSecond, double BFloat16SamplesPerSecond, int Rounds, int StepsPerRound)
{
    /// <summary>How many times faster mixed_bfloat16 trains than float32.</summary>
    public double Speedup => BFloat16SamplesPerSecond / Float32SamplesPerSecond;

    /// <summary>Builds the network again in the precision <paramref name="net"/> does not use, warms it up as the benchmark's was, then alternates the two.</summary>
    public static PrecisionComparison Measure(SequentialNet net, Trainer trainer, DeviceDataset train, BenchmarkOptions options, TrainingOptions trainingOptions)
    {
        using var other = new SequentialNet(net.Spec);
        other.InitializeLikeKeras(trainingOptions.Seed);
        other.to(train.Images.device);
        other.Precision = net.Precision == Precision.Float32 ? Precision.MixedBFloat16 : Precision.Float32;
        using var otherTrainer = new Trainer(other, trainingOptions);
        otherTrainer.TrainEpoch(train, 1, NoProgress.Instance, CancellationToken.None, stepLimit: Math.Max(1, options.WarmupSteps));
        var (medians, rounds, window) = AlternatingWindows.Measure(train, options.BatchSize, options.Steps, options.ComparisonWindow,
            (epoch, steps) => trainer.TrainSteps(train, epoch, steps),
            (epoch, steps) => otherTrainer.TrainSteps(train, epoch, steps));
        bool mainIsFloat32 = net.Precision == Precision.Float32;
        return new PrecisionComparison(medians[mainIsFloat32 ? 0 : 1], medians[mainIsFloat32 ? 1 : 0], rounds, window);
    }
}
