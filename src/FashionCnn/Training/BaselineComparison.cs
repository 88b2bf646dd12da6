namespace FashionCnn.Training;

/// <summary>
/// The tool's training rate against <see cref="TorchSharpBaseline"/>'s, the same network written the way a TorchSharp user
/// would, on the same batches: medians over rounds that alternate a short window of each, so both share the machine's noise alike.
/// </summary>
public sealed record BaselineComparison(double SamplesPerSecond, double BaselineSamplesPerSecond, long BaselineParameters, int Rounds, int StepsPerRound)
{
    /// <summary>How many times faster the tool trains than the baseline.</summary>
    public double Speedup => SamplesPerSecond / BaselineSamplesPerSecond;

    /// <summary>Warms the baseline up as the tool's step was, then times rounds of a window of the tool's step and one of the baseline's, on the same batches.</summary>
    public static BaselineComparison Measure(Trainer trainer, DeviceDataset train, BenchmarkOptions options, TrainingOptions trainingOptions, Model.ModelSpec spec)
    {
        using var baseline = new TorchSharpBaseline(spec, trainingOptions.Seed, train.Images.device);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        baseline.TrainSteps(train, 0, trainingOptions.Seed, options.BatchSize, Math.Min(options.WarmupSteps, stepsPerEpoch));
        var (medians, rounds, window) = AlternatingWindows.Measure(train, options.BatchSize, options.Steps, options.ComparisonWindow,
            (epoch, steps) => trainer.TrainSteps(train, epoch, steps),
            (epoch, steps) => baseline.TrainSteps(train, epoch, trainingOptions.Seed, options.BatchSize, steps));
        return new BaselineComparison(medians[0], medians[1], baseline.ParameterCount, rounds, window);
    }
}
