using FashionCnn.Model;
using FashionCnn.Optimizers;
using FashionCnn.Training;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Model;

/// <summary>Keras' mixed_bfloat16 policy: float32 variables and optimizer state, bfloat16 compute, float32 logits.</summary>
public class MixedPrecisionTests
{
    private static Tensor Images()
    {
        var random = new Random(5);
        var bytes = Enumerable.Range(0, 16 * 784).Select(_ => (byte)random.Next(256)).ToArray();
        return tensor(bytes, [16, 1, 28, 28]);
    }

    [Fact]
    public void Logits_stay_within_bfloat16_rounding_of_the_float32_path_for_the_same_weights()
    {
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(3);
        net.eval();
        using var pixels = Images();
        using var _ = no_grad();
        using var input = net.InputFromPixels(pixels);

        using var exact = net.call(input);
        net.Precision = Precision.MixedBFloat16;
        using var mixed = net.call(input);

        Assert.Equal(ScalarType.Float32, mixed.dtype);
        // bfloat16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.2 %); four layers of sums of hundreds of
        // products stay within a few percent of the logits' scale, far from a different answer.
        double scale = exact.abs().max().item<float>();
        double difference = exact.sub(mixed).abs().max().item<float>();
        Assert.True(difference < 0.03 * scale, $"max difference {difference} for logits up to {scale}");
        Assert.True(difference > 0, "the mixed path computed in float32");
        Assert.True(exact.argmax(1).eq(mixed.argmax(1)).sum().item<long>() >= 15);
    }

    [Fact]
    public void A_mixed_training_step_keeps_weights_gradients_and_optimizer_state_in_float32()
    {
        using var net = new SequentialNet(ModelSpec.Book) { Precision = Precision.MixedBFloat16 };
        net.InitializeLikeKeras(3);
        using var optimizer = KerasOptimizer.Create(new OptimizerSettings(), net.parameters());
        using var pixels = Images();
        using var labels = tensor(Enumerable.Range(0, 16).Select(i => (long)(i % 10)).ToArray());
        var before = net.WeightAndBias(5).Weight.detach().clone();

        optimizer.ZeroGrad();
        using var logits = net.call(net.InputFromPixels(pixels));
        using var loss = nn.functional.cross_entropy(logits, labels);
        loss.backward();
        optimizer.Update();

        Assert.Equal(ScalarType.Float32, logits.dtype);
        Assert.All(net.parameters(), p =>
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);
        });
        // State() reads each slot as float32 (a bfloat16 slot would not read as float); Adam's m is (1 − β1)·g after one step.
        var state = optimizer.State();
        Assert.Equal(["optimizer.m", "optimizer.v"], state.Select(s => s.Name));
        Assert.Contains(state[0].Values, value => value != 0);
        Assert.False(before.allclose(net.WeightAndBias(5).Weight, 0, 0), "the step changed no weight");
        Assert.True(net.WeightAndBias(5).Weight.grad!.abs().sum().item<float>() > 0);
    }
}
