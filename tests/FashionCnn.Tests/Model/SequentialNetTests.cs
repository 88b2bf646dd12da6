using FashionCnn.Model;
using FashionCnn.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Model;

/// <summary>libtorch itself, and the TorchSharp network built from the book's layer list.</summary>
public class SequentialNetTests
{
    [Fact]
    public void Libtorch_loads_and_runs_a_convolution()
    {
        // A 3×3 input convolved with a 2×2 kernel, no padding: each output is the sum of a 2×2 window
        // times [[1, 2], [3, 4]], computed by hand.
        using var input = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).reshape(1, 1, 3, 3);
        using var kernel = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2);

        using var output = nn.functional.conv2d(input, kernel);

        Assert.Equal([1L, 1, 2, 2], output.shape);
        Assert.Equal([37f, 47f, 67f, 77f], output.data<float>().ToArray());
    }

    [Fact]
    public void Network_has_the_summarys_parameter_count_with_keras_names()
    {
        using var net = new SequentialNet(ModelSpec.Book);

        var parameters = net.named_parameters().ToList();

        Assert.Equal(333_526, parameters.Sum(p => p.parameter.numel()));
        Assert.Equal(
            ["conv2d.weight", "conv2d.bias", "conv2d_1.weight", "conv2d_1.bias", "dense.weight", "dense.bias", "dense_1.weight", "dense_1.bias"],
            parameters.Select(p => p.name));
        Assert.Equal([64L, 32, 3, 3], net.WeightAndBias(2).Weight.shape);
        Assert.Equal([100L, 3136], net.WeightAndBias(5).Weight.shape);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    public void Keras_initialisation_fills_the_glorot_interval_and_zeroes_biases(int layer)
    {
        var (spec, input, _) = ModelSpec.Book.Shapes()[layer];
        double limit = GlorotUniform.Limit(spec, input)!.Value;
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(seed: 42);
        var (weight, bias) = net.WeightAndBias(layer);

        double maxAbs = weight.abs().max().item<float>();
        double mean = weight.mean().item<float>();
        double std = weight.std().item<float>();

        Assert.InRange(maxAbs, 0.97 * limit, limit + 1e-6);
        Assert.InRange(Math.Abs(mean), 0, limit / 10);
        Assert.InRange(std, 0.9 * limit / Math.Sqrt(3), 1.1 * limit / Math.Sqrt(3)); // U(-a, a) has std a/√3
        Assert.Equal(0f, bias.abs().max().item<float>());
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        using var a = new SequentialNet(ModelSpec.Book);
        using var b = new SequentialNet(ModelSpec.Book);
        using var c = new SequentialNet(ModelSpec.Book);
        a.InitializeLikeKeras(7);
        b.InitializeLikeKeras(7);
        c.InitializeLikeKeras(8);

        Assert.True(a.WeightAndBias(5).Weight.allclose(b.WeightAndBias(5).Weight, 0, 0));
        Assert.False(a.WeightAndBias(5).Weight.allclose(c.WeightAndBias(5).Weight, 0, 0));
    }

    [Fact]
    public void Forward_gives_ten_logits_per_image_and_probabilities_sum_to_one()
    {
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(1);
        net.eval();
        using var images = rand(5, 1, 28, 28);

        using var logits = net.call(images);
        using var probabilities = net.Probabilities(images);

        Assert.Equal([5L, 10], logits.shape);
        Assert.All(probabilities.sum(1).data<float>().ToArray(), sum => Assert.Equal(1f, sum, 5));
    }

    [Fact]
    public void Flatten_orders_features_height_width_channel_as_keras_does()
    {
        // Feed the Flatten a (1, C=2, H=2, W=2) tensor whose value encodes its position: Keras' order
        // visits channels fastest, so the flat vector starts with (h0, w0, c0), (h0, w0, c1).
        var spec = new ModelSpec(new TensorShape(2, 2, 2), [new Flatten("flatten")]);
        using var net = new SequentialNet(spec);
        using var x = tensor(new float[] { 0, 1, 2, 3, 10, 11, 12, 13 }).reshape(1, 2, 2, 2); // [c][h][w] = 10c + 2h + w

        using var flat = net.call(x);

        Assert.Equal([0f, 10f, 1f, 11f, 2f, 12f, 3f, 13f], flat.data<float>().ToArray());
    }

    [Fact]
    public void Feature_maps_of_the_first_convolution_are_32_channels_of_28_by_28_and_non_negative()
    {
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(3);
        using var images = rand(2, 1, 28, 28);

        using var maps = net.ForwardThrough(images, 0);

        Assert.Equal([2L, 32, 28, 28], maps.shape);
        Assert.True(maps.min().item<float>() >= 0); // after relu
    }

    [Fact]
    public void Dropout_is_active_in_training_only()
    {
        using var net = new SequentialNet(new ModelSpec(new TensorShape(1000), [new Dropout("dropout", 0.4)]));
        using var ones = torch.ones(1, 1000);

        net.train();
        using var trained = net.call(ones);
        net.eval();
        using var evaluated = net.call(ones);

        double zeroFraction = (trained == 0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(zeroFraction, 0.3, 0.5);
        Assert.Equal(1f / 0.6f, trained.max().item<float>(), 4); // inverted dropout scales kept units by 1/(1-rate)
        Assert.True(evaluated.allclose(ones, 0, 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_cut_from_a_larger_batch_are_convolved_from_their_own_pixels(bool training)
    {
        // Images 2 and 3 of 4 as a view into the batch's storage (what each half of a split step is) against a copy of them;
        // the inference path once gave the view channels-last strides from the storage's start, and so convolved images 0 and 1.
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(42);
        if (training) net.train(); else net.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var pixels = tensor(Enumerable.Range(0, 4 * 28 * 28).Select(i => (byte)(i * 37 % 251)).ToArray(), [4, 1, 28, 28], ScalarType.Byte);
        var batch = net.InputFromPixels(pixels);
        var view = batch.narrow(0, 2, 2);

        var fromView = net.ForwardThrough(view, 0);
        var fromCopy = net.ForwardThrough(view.clone(), 0);
        var fromOthers = net.ForwardThrough(batch.narrow(0, 0, 2).clone(), 0);

        Assert.Equal(0f, (fromView - fromCopy).abs().max().item<float>());
        Assert.True((fromView - fromOthers).abs().max().item<float>() > 0.01f);
    }
}

public class TrainingGeneratorTests
{
    [Fact]
    public void A_seeded_dropout_generator_gives_the_same_mask_and_keras_scaling()
    {
        using var net = new SequentialNet(new ModelSpec(new TensorShape(1000), [new Dropout("dropout", 0.4)]));
        using var ones = torch.ones(1, 1000);
        net.train();

        net.TrainingGenerator = new Generator(5);
        using var first = net.call(ones);
        net.TrainingGenerator = new Generator(5);
        using var second = net.call(ones);

        Assert.True(first.allclose(second, 0, 0));
        double zeroFraction = (first == 0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(zeroFraction, 0.35, 0.45);
        Assert.Equal(1f / 0.6f, first.max().item<float>(), 5);
    }
}
