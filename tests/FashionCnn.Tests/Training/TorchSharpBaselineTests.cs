using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Training;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Training;

/// <summary>The network bench's baseline trains: the book's CNN written with torch.nn's modules, trained by torch.optim.Adam.</summary>
public class TorchSharpBaselineTests
{
    [Fact]
    public void Baseline_network_has_the_book_models_333526_parameters()
    {
        // Keras' summary of the book's CNN: 320 + 18,496 + 313,700 + 1,010 parameters.
        using var baseline = new TorchSharpBaseline(ModelSpec.Book, seed: 42, CPU);

        Assert.Equal(333_526, baseline.ParameterCount);
    }

    [Fact]
    public void One_baseline_step_lowers_the_loss_on_a_fixed_batch()
    {
        // 32 grey 28×28 images of a fixed pattern of bytes, labels 0–9 in turn.
        using var pixels = tensor(Enumerable.Range(0, 32 * 28 * 28).Select(i => (byte)(i * 37 % 256)).ToArray(), [32, 1, 28, 28], ScalarType.Byte);
        using var labels = tensor(Enumerable.Range(0, 32).Select(i => (long)(i % 10)).ToArray());
        using var baseline = new TorchSharpBaseline(ModelSpec.Book, seed: 42, CPU);

        double before = baseline.Loss(pixels, labels);
        baseline.Step(pixels, labels);
        double after = baseline.Loss(pixels, labels);

        Assert.InRange(before, 1.0, 5.0); // near ln 10 ≈ 2.30 for an untrained classifier of 10 classes
        Assert.True(after < before, $"loss {before} before the step, {after} after");
    }

    [Fact]
    public void A_layer_torch_nn_cannot_pad_like_tensorflow_is_refused_in_one_sentence()
    {
        // A 2×2 kernel with "same" padding pads 0 pixels before and 1 after: no torch.nn.Conv2d does that.
        var spec = new ModelSpec(new TensorShape(28, 28, 1),
            [new Conv2D("conv", 4, 2, Activation.Relu), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

        var error = Assert.Throws<FashionCnnException>(() => new TorchSharpBaseline(spec, seed: 42, CPU));

        Assert.Contains("conv (Conv2D)", error.Message);
    }
}
