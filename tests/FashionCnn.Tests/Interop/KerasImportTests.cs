using System.Text.Json.Nodes;
using FashionCnn.Checkpoints;
using FashionCnn.Interop;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Interop;

public class KerasImportTests
{
    private static double[][] Images(int count)
    {
        var random = new Random(99);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, KerasTestModel.Height * KerasTestModel.Width * KerasTestModel.Channels).Select(_ => (double)random.Next(256)).ToArray())
            .ToArray();
    }

    /// <summary>Our network's logits for channels-last images, fed as (N, C, H, W) raw pixels.</summary>
    private static float[] Logits(SequentialNet net, double[][] images)
    {
        int h = KerasTestModel.Height, w = KerasTestModel.Width, c = KerasTestModel.Channels;
        using var scope = NewDisposeScope();
        var batch = tensor(images.SelectMany(i => i.Select(v => (float)v)).ToArray(), [images.Length, h, w, c]).permute(0, 3, 1, 2);
        using var _ = no_grad();
        return net.call(batch).data<float>().ToArray();
    }

    [Theory]
    [InlineData(".h5")]
    [InlineData(".keras")]
    public void Every_supported_layer_kind_imports_and_computes_what_keras_computes(string extension)
    {
        using var temp = new TempFolder();
        var model = new KerasTestModel();
        string path = temp.File("model" + extension);
        if (extension == ".h5") model.WriteH5(path); else model.WriteKeras(path);
        var images = Images(4);

        var loaded = ModelFile.Load(path);
        float[] logits = Logits(loaded.Net, images);

        Assert.True(loaded.Net.Spec.TakesRawPixels);
        Assert.Equal(["Rescaling", "Conv2D", "BatchNormalization", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "BatchNormalization", "Dense", "Dense"],
            loaded.Net.Spec.Layers.Select(l => l.KerasClass));
        for (int n = 0; n < images.Length; n++)
        {
            double[] expected = model.ReferenceLogits(images[n]);
            for (int k = 0; k < expected.Length; k++)
                Assert.Equal(expected[k], logits[n * expected.Length + k], 4);
        }
    }

    [Fact]
    public void Summary_of_an_imported_model_counts_batch_norm_statistics_as_non_trainable()
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteH5(temp.File("m.h5"));

        var summary = ModelSummary.Of(ModelFile.Load(temp.File("m.h5")).Net.Spec);

        // BatchNormalization keeps 4 numbers per channel, 2 of them (the moving statistics) untrained: 3 and 6 channels.
        Assert.Equal(2 * (3 + 6), summary.NonTrainableParams);
        Assert.Equal((3 * 3 * 2 * 3 + 3) + 4 * 3 + (3 * 3 * 3 * 4 + 4) + (16 * 6 + 6) + 4 * 6 + (6 * 5 + 5) + (5 * 3 + 3), summary.TotalParams);
    }

    [Theory]
    [InlineData("LSTM", "layer odd is a LSTM")]
    [InlineData("Sequential", "layer odd is a nested Sequential model")]
    [InlineData("Conv3D", "layer odd is a Conv3D")]
    public void An_unsupported_layer_is_a_one_line_error_naming_file_layer_and_class(string className, string expected)
    {
        using var temp = new TempFolder();
        var model = new KerasTestModel();
        model.Layers.Insert(3, new JsonObject { ["class_name"] = className, ["config"] = new JsonObject { ["name"] = "odd" } });
        model.WriteH5(temp.File("odd.h5"));

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("odd.h5")));

        Assert.StartsWith("odd.h5:", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Dilated_convolution_is_refused_with_its_layer_named()
    {
        using var temp = new TempFolder();
        var model = new KerasTestModel();
        model.Layers[2]!["config"]!["dilation_rate"] = new JsonArray(2, 2);
        model.WriteH5(temp.File("dilated.h5"));

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("dilated.h5")));

        Assert.Contains("conv2d (Conv2D) is dilated", error.Message);
    }

    [Fact]
    public void A_missing_weight_is_named()
    {
        using var temp = new TempFolder();
        var model = new KerasTestModel();
        model.Variables.Remove("dense_1");
        model.WriteH5(temp.File("partial.h5"));

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("partial.h5")));

        Assert.Contains("dense_1", error.Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(2000)]
    public void A_truncated_h5_is_a_one_line_error(int keep)
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteH5(temp.File("full.h5"));
        File.WriteAllBytes(temp.File("cut.h5"), File.ReadAllBytes(temp.File("full.h5"))[..keep]);

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("cut.h5")));

        Assert.StartsWith("cut.h5:", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_file_of_no_known_kind_says_what_is_accepted()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("notes.keras"), "just some text");

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("notes.keras")));

        Assert.Contains("notes.keras: not a model file", error.Message);
        Assert.Contains(".h5", error.Message);
    }

    [Fact]
    public void A_model_for_other_images_is_refused_for_fashion_mnist()
    {
        using var temp = new TempFolder();
        new KerasTestModel().WriteH5(temp.File("small.h5"));

        var spec = ModelFile.Load(temp.File("small.h5")).Net.Spec;
        var fashion = new FashionCnn.Data.LabeledImages(new byte[784], [0]);

        var error = Assert.Throws<FashionCnnException>(() => FashionCnn.Inference.ModelFit.Require(spec.InputShape, 10, fashion, "small.h5"));

        Assert.Equal("small.h5 takes (None, 10, 10, 2) input; the data's images are 28×28 grayscale (None, 28, 28, 1).", error.Message);
    }
}
