using FashionCnn.Explanation;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Explanation;

/// <summary>
/// Grad-CAM, saliency and occlusion on a tiny CNN against loop-level references in double precision: gradients by
/// central finite differences of a hand-written forward, occlusion by re-evaluating every occluded image.
/// </summary>
public class MethodReferenceTests
{
    /// <summary>
    /// The tiny CNN is piecewise linear (ReLU, max pooling, no softmax in the logits), so a central difference is its
    /// exact derivative unless a step crosses a kink; 1e-6 crosses none at these inputs, and the double-precision
    /// reference's rounding, about 1e-16 / 1e-6 = 1e-10, is far below the float32 network's own error (about 1e-6
    /// on gradients of order 1). The tolerance is a hundred times that error; a saliency that missed it by 0.0017
    /// was libtorch's oneDNN reading memory it never wrote (KerasLayerTests), not rounding.
    /// </summary>
    private const double Tolerance = 1e-4, Step = 1e-6;
    private const int Images = 3;

    /// <summary>The batch as the data set stores it (bytes, (N, 1, 6, 6)) and one class per image, all different.</summary>
    private static (byte[] Pixels, Tensor Bytes, Tensor Classes) Batch(int seed)
    {
        byte[] pixels = TinyCnn.Images(Images, seed);
        return (pixels, tensor(pixels, [Images, 1, TinyCnn.Side, TinyCnn.Side], ScalarType.Byte), tensor(new long[] { 2, 0, 3 }));
    }

    private static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Theory]
    [InlineData(1, 3.0)] // conv_b, its outputs kept positive so max pooling never ties
    [InlineData(0, 0.0)] // conv_a, the head then has a convolution, ReLU and pooling of its own
    public void Grad_cam_equals_the_channel_weighted_relu_of_finite_difference_gradients(int layer, double biasB)
    {
        using var tiny = new TinyCnn(seed: 11, biasB);
        var (pixels, bytes, classes) = Batch(seed: 5);

        using var maps = GradCam.Compute(tiny.Net, layer, tiny.Net.InputFromPixels(bytes), classes);

        long[] targets = classes.data<long>().ToArray();
        float[] actual = Values(maps);
        int positive = 0;
        for (int n = 0; n < Images; n++)
        {
            var a = tiny.LayerA(TinyCnn.Input(pixels, n));
            var activations = layer == 0 ? a : tiny.LayerB(a);
            Func<double[,,], double> logit = layer == 0
                ? x => tiny.Head(tiny.LayerB(x))[targets[n]]
                : x => tiny.Head(x)[targets[n]];
            double[] expected = ReferenceGradCam(activations, logit);
            int size = activations.GetLength(0);
            Assert.Equal([Images, size, size], maps.shape);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[n * expected.Length + i]) <= Tolerance,
                    $"image {n} cell {i}: reference {expected[i]}, Grad-CAM {actual[n * expected.Length + i]}");
            if (expected.Max() > 0.01) positive++;
        }
        Assert.True(positive >= 2, $"only {positive} of the maps have positive cells: too little to test");
    }

    /// <summary>Selvaraju et al.: α_k = mean over (y, x) of ∂logit/∂A[y, x, k]; map = ReLU(Σ_k α_k A[·, ·, k]).</summary>
    private static double[] ReferenceGradCam(double[,,] activations, Func<double[,,], double> logit)
    {
        int size = activations.GetLength(0), channels = activations.GetLength(2);
        var alpha = new double[channels];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int k = 0; k < channels; k++)
                {
                    var plus = (double[,,])activations.Clone();
                    var minus = (double[,,])activations.Clone();
                    plus[y, x, k] += Step;
                    minus[y, x, k] -= Step;
                    alpha[k] += (logit(plus) - logit(minus)) / (2 * Step) / (size * size);
                }
        var map = new double[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                for (int k = 0; k < channels; k++) sum += alpha[k] * activations[y, x, k];
                map[y * size + x] = Math.Max(sum, 0);
            }
        return map;
    }

    [Fact]
    public void Saliency_equals_the_absolute_finite_difference_gradient_of_the_logit_per_pixel()
    {
        using var tiny = new TinyCnn(seed: 3, biasB: 0.5);
        var (pixels, bytes, classes) = Batch(seed: 8);

        using var maps = Saliency.Compute(tiny.Net, tiny.Net.InputFromPixels(bytes), classes);

        long[] targets = classes.data<long>().ToArray();
        float[] actual = Values(maps);
        Assert.Equal([Images, TinyCnn.Side * TinyCnn.Side], maps.shape);
        for (int n = 0; n < Images; n++)
        {
            var image = TinyCnn.Input(pixels, n);
            for (int y = 0; y < TinyCnn.Side; y++)
                for (int x = 0; x < TinyCnn.Side; x++)
                {
                    var plus = (double[,])image.Clone();
                    var minus = (double[,])image.Clone();
                    plus[y, x] += Step;
                    minus[y, x] -= Step;
                    double expected = Math.Abs(tiny.Logits(plus)[targets[n]] - tiny.Logits(minus)[targets[n]]) / (2 * Step);
                    float got = actual[n * 36 + y * TinyCnn.Side + x];
                    Assert.True(Math.Abs(expected - got) <= Tolerance, $"image {n} pixel ({y}, {x}): reference {expected}, saliency {got}");
                }
        }
    }

    [Fact]
    public void Saliency_of_a_linear_model_on_flat_input_is_the_absolute_weight_row_in_pixel_order()
    {
        // Input (36,), Dense(4): the logit's gradient with respect to pixel i is the kernel's weight for input i.
        var spec = new ModelSpec(new TensorShape(36), [new Dense("dense", 4, Activation.Softmax)]);
        using var net = new SequentialNet(spec);
        net.InitializeLikeKeras(seed: 4);
        net.eval();
        var (_, bytes, classes) = Batch(seed: 2);

        using var maps = Saliency.Compute(net, net.InputFromPixels(bytes), classes);

        float[] weights = Values(net.WeightAndBias(0).Weight.detach());
        float[] actual = Values(maps);
        long[] targets = classes.data<long>().ToArray();
        for (int n = 0; n < Images; n++)
            for (int i = 0; i < 36; i++)
                Assert.Equal(Math.Abs(weights[targets[n] * 36 + i]), actual[n * 36 + i], 6);
    }

    [Theory]
    [InlineData(2, 1)] // 5 × 5 places
    [InlineData(4, 3)] // places 0 and, flush with the far edge, 2: the stride alone would leave the last two pixels uncovered
    [InlineData(6, 2)] // one patch covering everything
    public void Occlusion_equals_the_mean_probability_drop_of_every_patch_covering_a_pixel(int patch, int stride)
    {
        using var tiny = new TinyCnn(seed: 7);
        var (pixels, bytes, classes) = Batch(seed: 9);

        using var maps = OcclusionSensitivity.Compute(tiny.Net, bytes.reshape(Images, TinyCnn.Side, TinyCnn.Side, 1), classes, patch, stride);

        long[] targets = classes.data<long>().ToArray();
        float[] actual = Values(maps);
        Assert.Equal([Images, TinyCnn.Side, TinyCnn.Side], maps.shape);
        for (int n = 0; n < Images; n++)
        {
            double[] expected = ReferenceOcclusion(tiny, pixels, n, (int)targets[n], patch, stride);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[n * 36 + i]) <= Tolerance,
                    $"image {n} pixel {i}: reference {expected[i]}, occlusion {actual[n * 36 + i]}");
            Assert.True(expected.Max(Math.Abs) > 1e-3, "a map without any drop would not test much");
        }
    }

    /// <summary>Every place of the patch in turn: zero the pixels, evaluate, add the drop to each covered pixel, average.</summary>
    private static double[] ReferenceOcclusion(TinyCnn tiny, byte[] pixels, int n, int target, int patch, int stride)
    {
        const int side = TinyCnn.Side;
        var places = new List<int>();
        for (int p = 0; p <= side - patch; p += stride) places.Add(p);
        if (places[^1] != side - patch) places.Add(side - patch);
        double original = tiny.Probabilities(TinyCnn.Input(pixels, n))[target];
        var sum = new double[side * side];
        var count = new int[side * side];
        foreach (int top in places)
            foreach (int left in places)
            {
                var image = TinyCnn.Input(pixels, n);
                for (int y = top; y < top + patch; y++)
                    for (int x = left; x < left + patch; x++)
                        image[y, x] = 0;
                double drop = original - tiny.Probabilities(image)[target];
                for (int y = top; y < top + patch; y++)
                    for (int x = left; x < left + patch; x++)
                    {
                        sum[y * side + x] += drop;
                        count[y * side + x]++;
                    }
            }
        return sum.Select((s, i) => s / count[i]).ToArray();
    }
}
