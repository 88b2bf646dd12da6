namespace FashionCnn.Training;

/// <summary>
/// Training rates of several ways to train on the same batches, as medians over rounds that run a short window of each in
/// turn: on a shared, noisy machine each side meets the same load, where one long run after another compares two moments
/// of the machine rather than two programs (back to back, the same build's rate varied by 1.4× from one run to the next).
/// </summary>
internal static class AlternatingWindows
{
    /// <summary>
    /// Each side's median samples/s over <c>max(3, ceil(steps / window))</c> rounds of <paramref name="window"/> steps; a side is called
    /// with (epoch, steps) as <see cref="Benchmark.TimeSteps"/> calls it, so every side trains on the same batches.
    /// </summary>
    public static (double[] Medians, int Rounds, int Window) Measure(DeviceDataset train, int batchSize, int steps, int window, params Action<int, int>[] sides)
    {
        window = Math.Min(window, steps);
        int roundCount = Math.Max(3, (steps + window - 1) / window);
        var rates = sides.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < roundCount; round++)
            for (int side = 0; side < sides.Length; side++)
            {
                var (seconds, done) = Benchmark.TimeSteps(train, batchSize, window, sides[side]);
                rates[side].Add(done * batchSize / seconds);
            }
        return (rates.Select(Benchmark.Median).ToArray(), roundCount, window);
    }
}
