using FashionCnn.Compute;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Training;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Training;

/// <summary>The arithmetic and memory bench and the batch checks count, against the book's CNN worked by hand.</summary>
public class StepCostTests
{
    // The book's CNN, layer by layer (input → output per image):
    //   conv2d     (28,28,1)  → (28,28,32)  2·3·3·1·(28·28·32)  =   451,584 operations
    //   conv2d_1   (14,14,32) → (14,14,64)  2·3·3·32·(14·14·64) = 7,225,344
    //   dense      3,136 → 100              2·3,136·100         =   627,200
    //   dense_1    100 → 10                 2·100·10            =     2,000
    //   pooling, flatten, dropout: none; the forward pass 8,306,128.

    [Fact]
    public void Layer_flops_are_two_per_multiply_add()
    {
        var flops = ModelSpec.Book.Shapes().Select(row => row.Layer.Flops(row.Input, row.Output)).ToArray();

        Assert.Equal([451_584L, 0, 7_225_344, 0, 0, 627_200, 0, 2_000], flops);
    }

    [Fact]
    public void A_training_step_is_three_forward_passes_less_the_first_layers_input_gradient()
    {
        // 3 × 8,306,128 − 451,584: the first convolution's input (the image) needs no gradient.
        Assert.Equal(24_466_800L, StepCost.TrainingFlops(ModelSpec.Book));
    }

    [Fact]
    public void A_model_without_weighted_layers_costs_nothing()
    {
        var spec = new ModelSpec(new TensorShape(28, 28, 1), [new Flatten("flatten")]);

        Assert.Equal(0L, StepCost.TrainingFlops(spec));
    }

    [Fact]
    public void Training_memory_is_sixteen_bytes_per_value_kept_for_the_backward_pass_and_the_largest_patch_matrix()
    {
        // Per image: the input 784 + the outputs 25,088 + 6,272 + 12,544 + 3,136 + 3,136 + 100 + 100 + 10 = 51,170 values,
        // 4 copies of 4-byte floats each, and conv2d_1's patch matrix, 3·3·32 × 14·14 = 56,448 floats (conv2d's is
        // 3·3·1 × 28·28 = 7,056); at batch 2,000 that is (818,720 + 225,792) · 2,000 = 2,089,024,000 bytes (the 1,992 MB
        // BatchMemory's comment quotes).
        Assert.Equal(2_089_024_000L, BatchMemory.TrainingBytes(ModelSpec.Book, 2_000));
    }

    [Fact]
    public void A_huge_kernel_is_refused_by_its_patch_matrix_before_anything_is_built()
    {
        // Conv2D(32, 1024, same) on 28×28: each image's patch matrix is 1,024² × 1 × 28·28 = 822,083,584 floats, 3.3 GB;
        // a batch of 32 is 105 GB, which libtorch once tried to allocate. Its weights are only 1,024² × 32 floats.
        var spec = new ModelSpec(new TensorShape(28, 28, 1), [new Conv2D("conv2d", 32, 1024, Activation.Relu), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

        Assert.True(BatchMemory.TrainingBytes(spec, 32) >= 4L * 822_083_584 * 32);
        var error = Assert.Throws<FashionCnnException>(() => BatchMemory.Require(spec, 32, "--batch-size"));
        Assert.StartsWith("--batch-size 32: a batch of this model needs about", error.Message);
    }

    [Fact]
    public void Inference_memory_is_the_largest_layers_input_and_output_at_once()
    {
        // The first pooling: 25,088 in + 6,272 out = 31,360 values, the largest pair, × 16 bytes, and conv2d_1's
        // 56,448-float patch matrix × 4 bytes: 727,552 bytes an image × 12,000 images.
        Assert.Equal(8_730_624_000L, BatchMemory.InferenceBytes(ModelSpec.Book, 12_000));
    }

    [Fact]
    public void A_batch_over_half_the_memory_is_refused_naming_the_option()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        int tooMany = (int)Math.Min(int.MaxValue, available / 2 / (16 * 51_170 + 4 * 56_448) + 1);

        var error = Assert.Throws<FashionCnnException>(() => BatchMemory.Require(ModelSpec.Book, tooMany, "--batch-size"));
        Assert.StartsWith($"--batch-size {tooMany:N0}: a batch of this model needs about", error.Message);
        BatchMemory.Require(ModelSpec.Book, 32, "--batch-size");
    }

    [Fact]
    public void Machine_peak_times_each_convolution_at_the_layers_shapes()
    {
        var rates = MachinePeak.Convolutions(ModelSpec.Book, batch: 2, Precision.Float32, CPU);

        Assert.Equal(
            ["conv2d forward (None, 28, 28, 1)→(None, 28, 28, 32) float32", "conv2d_1 forward (None, 14, 14, 32)→(None, 14, 14, 64) float32"],
            rates.Select(r => r.Work));
        Assert.All(rates, r => Assert.True(r.Gflops > 0 && double.IsFinite(r.Gflops)));
    }
}
