using System.Diagnostics;
using FashionCnn.Data;
using FashionCnn.Model;
using FashionCnn.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// Training loss and accuracy of one epoch, whether it ran to its last step, and the first step (1-based)
/// whose loss was NaN or infinite, if one was.
/// </summary>
public sealed record EpochTraining(double Loss, double Accuracy, bool Completed, int? NonFiniteStep = null);

/// <summary>
/// One epoch of Keras' <c>model.fit</c>: the training set reshuffled from the seed, batches of
/// <see cref="TrainingOptions.BatchSize"/>, the run's optimizer, sparse categorical cross-entropy on the logits.
/// </summary>
public sealed class Trainer : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly SequentialNet _net;
    private readonly TrainingOptions _options;
    private readonly KerasOptimizer _optimizer;

    public Trainer(SequentialNet net, TrainingOptions options)
    {
        _net = net;
        _options = options;
        _optimizer = KerasOptimizer.Create(options.Optimizer, net.parameters());
    }

    public KerasOptimizer Optimizer => _optimizer;

    /// <summary>The order of the training images in epoch <paramref name="epoch"/>, a function of seed and epoch only.</summary>
    public static int[] ShuffleOrder(int count, int seed, int epoch) =>
        new NumpyRandomState(unchecked((uint)EpochSeed(seed, epoch))).Permutation(count);

    /// <summary>One seed per (run seed, epoch) pair, for the shuffle (its low 32 bits) and dropout: distinct for any epoch below the prime.</summary>
    private static long EpochSeed(int seed, int epoch) => seed * 1_000_003L + epoch;

    /// <param name="stepLimit">Stop after this many steps (a benchmark's window); null runs the whole epoch.</param>
    public EpochTraining TrainEpoch(DeviceDataset train, int epoch, ITrainingProgress progress, CancellationToken cancellation, int? stepLimit = null)
    {
        var device = train.Images.device;
        int batch = _options.BatchSize;
        int steps = (train.Count + batch - 1) / batch;
        if (stepLimit is int limit) steps = Math.Min(steps, limit);
        // Dropout draws from a generator of the run's own, seeded per epoch: every epoch is reproducible on its own.
        using var dropoutRandomness = new Generator(unchecked((ulong)EpochSeed(_options.Seed, epoch)), device);
        _net.TrainingGenerator = dropoutRandomness;
        _net.train();
        try
        {
            return RunSteps(train, epoch, steps, progress, cancellation);
        }
        finally
        {
            _net.TrainingGenerator = null;
        }
    }

    /// <summary>A benchmark's timed window: <paramref name="steps"/> steps of epoch <paramref name="epoch"/>, without progress or cancellation.</summary>
    public void TrainSteps(DeviceDataset train, int epoch, int steps) =>
        TrainEpoch(train, epoch, NoProgress.Instance, CancellationToken.None, stepLimit: steps);

    private EpochTraining RunSteps(DeviceDataset train, int epoch, int steps, ITrainingProgress progress, CancellationToken cancellation)
    {
        var device = train.Images.device;
        int batch = _options.BatchSize;

        using var hostOrder = tensor(ShuffleOrder(train.Count, _options.Seed, epoch).Select(i => (long)i).ToArray());
        using var order = hostOrder.to(device);
        // Each step's loss stays on the device; they are checked for NaN or infinity at every progress report,
        // so a diverging run is caught within a fraction of a second without a host sync per step.
        using var stepLosses = zeros(steps, ScalarType.Float32, device);
        int checkedSteps = 0;
        using var lossSum = zeros(1, ScalarType.Float64, device);
        using var correct = zeros(1, ScalarType.Int64, device);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        int seen = 0, step = 0;
        for (; step < steps; step++)
        {
            if (cancellation.IsCancellationRequested) break;
            using (NewDisposeScope())
            {
                int count = Math.Min(batch, train.Count - step * batch);
                var (images, labels) = Batch(train, order, step);

                _optimizer.ZeroGrad();
                var logits = _net.call(images);
                var loss = Loss(logits, labels);
                loss.backward();
                _optimizer.Update();

                // Keras reports the running mean over the epoch's batches, weighted by batch size.
                stepLosses.narrow(0, step, 1).copy_(loss.detach().reshape(1));
                lossSum.add_(loss.detach().to_type(ScalarType.Float64).mul(count));
                correct.add_(logits.detach().argmax(1).eq(labels).sum());
                seen += count;
            }
            if (step == steps - 1 || clock.Elapsed - lastReport >= ProgressInterval)
            {
                if (FirstNonFinite(stepLosses, checkedSteps, step + 1) is int bad)
                    return new EpochTraining(double.NaN, double.NaN, false, bad + 1);
                checkedSteps = step + 1;
                lastReport = clock.Elapsed;
                progress.StepCompleted(new StepProgress(epoch, _options.Epochs, step + 1, steps,
                    lossSum.item<double>() / seen, (double)correct.item<long>() / seen, clock.Elapsed));
            }
        }
        if (seen == 0) return new EpochTraining(double.NaN, double.NaN, false);
        // Reading the sums waits for the device: a timed window ends when its work has finished.
        return new EpochTraining(lossSum.item<double>() / seen, (double)correct.item<long>() / seen, step == steps);
    }

    /// <summary>Step <paramref name="step"/>'s images (in the network's input form) and labels, gathered on the device.</summary>
    internal (Tensor Images, Tensor Labels) Batch(DeviceDataset train, Tensor order, int step)
    {
        int batch = _options.BatchSize;
        int count = Math.Min(batch, train.Count - step * batch);
        var indices = order.narrow(0, (long)step * batch, count);
        return (_net.InputFromPixels(train.ImagesAt(indices)), train.LabelsAt(indices));
    }

    /// <summary>Keras' sparse categorical cross-entropy after a softmax, in its stable form on the logits.</summary>
    internal static Tensor Loss(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    /// <summary>The index of the first NaN or infinite loss among steps [from, to), or null.</summary>
    private static int? FirstNonFinite(Tensor losses, int from, int to)
    {
        if (to <= from) return null;
        using var scope = NewDisposeScope();
        var bad = losses.narrow(0, from, to - from).isfinite().logical_not();
        if (!bad.any().item<bool>()) return null;
        return from + (int)bad.nonzero()[0, 0].item<long>();
    }

    public void Dispose() => _optimizer.Dispose();
}
