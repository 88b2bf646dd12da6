using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Optimizers;
using FashionCnn.Training;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Training;

/// <summary>
/// A step computed as two half-batches on two threads (<see cref="HalfBatchReplica"/>) is the whole batch's step: the two
/// weighted gradients sum to the batch mean's, and each thread updates its half of the parameters.
/// </summary>
public class HalfBatchTests
{
    // A CNN without dropout, so that three steps are a function of the weights and the batches alone.
    private static readonly ModelSpec Cnn = new(new TensorShape(28, 28, 1),
        [new Conv2D("conv2d", 8, 3, Activation.Relu), new MaxPooling2D("max_pooling2d"), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

    [Theory]
    [InlineData(32)]
    [InlineData(31)] // halves of 15 and 16 images, whose losses weigh 15/31 and 16/31
    public void Two_half_batches_train_the_same_weights_as_the_whole_batch_up_to_summation_order(int batchSize)
    {
        var (initial, wholeSplit) = ThreeSteps(batchSize, halfBatches: false, out var whole);
        var (_, halvesSplit) = ThreeSteps(batchSize, halfBatches: true, out var halves);

        Assert.False(wholeSplit);
        Assert.True(halvesSplit);
        // SGD with rate 0.1: every parameter moves by 0.1 × its gradient, so equal weights mean equal gradients, step after step.
        double moved = initial.Zip(whole, (a, b) => Math.Abs(a - b)).Max();
        double apart = whole.Zip(halves, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(moved > 1e-3, $"the steps moved the weights by at most {moved}");
        Assert.True(apart < 1e-5, $"whole batch and half batches differ by up to {apart} (the steps moved them by up to {moved})");
    }

    [Fact]
    public void Models_where_halves_do_not_pay_or_change_the_computation_train_whole_batches()
    {
        var dense = new ModelSpec(new TensorShape(28, 28, 1), [new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);
        var normalised = new ModelSpec(new TensorShape(28, 28, 1),
            [new Conv2D("conv2d", 8, 3, Activation.Relu), new BatchNormalization("batch_normalization"), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

        Assert.True(Splits(Cnn, threads: 2, Precision.Float32));
        Assert.False(Splits(Cnn, threads: 1, Precision.Float32));
        Assert.False(Splits(Cnn, threads: 2, Precision.MixedBFloat16));
        Assert.False(Splits(dense, threads: 2, Precision.Float32));
        Assert.False(Splits(normalised, threads: 2, Precision.Float32));
    }

    private static bool Splits(ModelSpec spec, int threads, Precision precision)
    {
        using var net = new SequentialNet(spec) { Precision = precision };
        using var trainer = new Trainer(net, new TrainingOptions { Compute = new ComputeOptions { Threads = threads } });
        return trainer.SplitsBatches;
    }

    /// <summary>The initial and final weights of three SGD steps over 3 batches of fixed images, and whether the trainer split them.</summary>
    private static (float[] Initial, bool Split) ThreeSteps(int batchSize, bool halfBatches, out float[] final)
    {
        int count = 3 * batchSize;
        var pixels = Enumerable.Range(0, count * 28 * 28).Select(i => (byte)(i * 37 % 251)).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i * 7 % 10)).ToArray();
        using var train = new DeviceDataset(new LabeledImages(pixels, labels), CPU);
        using var net = new SequentialNet(Cnn);
        net.InitializeLikeKeras(42);
        var initial = Flat(net);
        var options = new TrainingOptions
        {
            BatchSize = batchSize, HalfBatches = halfBatches, Compute = new ComputeOptions { Threads = 2 },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.1 },
        };
        using var trainer = new Trainer(net, options);
        var epoch = trainer.TrainEpoch(train, 0, NoProgress.Instance, CancellationToken.None);
        Assert.True(epoch.Completed);
        Assert.InRange(epoch.Loss, 1.0, 5.0); // the mean loss of the steps, near ln 10 for an untrained classifier of 10 classes
        final = Flat(net);
        return (initial, trainer.SplitsBatches);
    }

    private static float[] Flat(SequentialNet net) => net.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();
}
