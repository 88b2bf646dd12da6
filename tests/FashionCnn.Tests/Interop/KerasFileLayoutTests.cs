using System.Text.Json.Nodes;
using FashionCnn.Checkpoints;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Interop;

/// <summary>
/// The book's chapter 7 models as learners saved them, in each layout the Keras versions wrote (seen in
/// learners' public repositories): every file must load and compute what Keras computes, by a loop-level
/// reference. The config names (dense_14, dense_15) differ from the weight group names on purpose, as they do
/// in a notebook that built several models.
/// </summary>
public class KerasFileLayoutTests
{
    private static double[][] Images(int count, int values)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, values).Select(_ => random.NextDouble()).ToArray()).ToArray();
    }

    /// <summary>Our logits for images given in the model's own input shape (pixels already scaled).</summary>
    private static float[] Logits(SequentialNet net, double[][] images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long[] shape = [images.Length, .. net.Spec.InputShape.Dimensions.Select(d => (long)d)];
        var batch = tensor(images.SelectMany(i => i.Select(v => (float)v)).ToArray(), shape);
        return net.call(batch).data<float>().ToArray();
    }

    private static void AssertComputesLikeKeras(KerasTestModel model, LoadedModel loaded)
    {
        using var net = loaded.Net;
        var images = Images(3, net.Spec.InputShape.Dimensions.Aggregate(1, (a, b) => a * b));
        float[] logits = Logits(net, images);
        for (int n = 0; n < images.Length; n++)
        {
            double[] expected = model.ReferenceLogits(images[n]);
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], logits[n * expected.Length + k], 4);
        }
    }

    [Theory]
    [InlineData(false, LegacyLayout.Keras2, "2.11.0")]
    [InlineData(true, LegacyLayout.Keras2, "2.4.0")]
    [InlineData(false, LegacyLayout.Keras31, "3.1.0")]
    [InlineData(true, LegacyLayout.Keras34, "3.4.1")]
    public void Whole_model_h5_of_every_version_loads_with_its_input_shape(bool flatInput, LegacyLayout layout, string version)
    {
        using var temp = new TempFolder();
        var model = KerasTestModel.Chapter7(flatInput, dropout: !flatInput);
        model.WriteH5(temp.File("model-whole.h5"), layout: layout, kerasVersion: version);

        var loaded = ModelFile.Load(temp.File("model-whole.h5"));

        Assert.Equal(flatInput ? new[] { 784 } : [28, 28], loaded.Net.Spec.InputShape.Dimensions);
        Assert.Equal($"Keras {version} HDF5", loaded.Format);
        AssertComputesLikeKeras(model, loaded);
    }

    [Theory]
    [InlineData("2.13.1", "_layer_checkpoint_dependencies\\dense", "_layer_checkpoint_dependencies\\dense_2")]
    [InlineData("2.14.0", "_layer_checkpoint_dependencies/dense", "_layer_checkpoint_dependencies/dense_1")]
    [InlineData("2.15.0", "layers/dense", "layers/dense_1")]
    [InlineData("3.4.1", "layers/dense", "layers/dense_1")]
    public void Keras_zip_of_every_version_finds_weights_by_class_not_by_layer_name(string version, string first, string second)
    {
        // Group paths as the real files have them: 2.13 on Windows (one group with a backslash, the second Dense
        // counted twice), 2.14 on Linux (nested groups), 2.15 and 3.x under layers/.
        using var temp = new TempFolder();
        var model = KerasTestModel.Chapter7(flatInput: false, dropout: true);
        model.WriteKeras(temp.File("model-whole.keras"), version, new Dictionary<string, string>
        {
            ["flatten_7"] = first.Replace("dense", "flatten"), ["dense_14"] = first, ["dropout_1"] = first.Replace("dense", "dropout"), ["dense_15"] = second,
        });

        var loaded = ModelFile.Load(temp.File("model-whole.keras"));

        Assert.Equal(["flatten_7", "dense_14", "dropout_1", "dense_15"], loaded.Net.Spec.Layers.Select(l => l.Name));
        AssertComputesLikeKeras(model, loaded);
    }

    [Fact]
    public void A_zip_without_the_path_its_version_uses_names_the_layer_that_found_no_weights()
    {
        // A 2.13 file must have the second Dense at dense_2; at dense_1 (2.14's name) Keras 2.13 would not find it either.
        using var temp = new TempFolder();
        var model = KerasTestModel.Chapter7(flatInput: false);
        model.WriteKeras(temp.File("m.keras"), "2.13.1", new Dictionary<string, string>
        {
            ["dense_14"] = "_layer_checkpoint_dependencies\\dense", ["dense_15"] = "_layer_checkpoint_dependencies\\dense_1",
        });

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("m.keras")));

        Assert.StartsWith("m.keras: layer dense_15 (Dense) found no weights: _layer_checkpoint_dependencies/dense_2", error.Message);
        Assert.Contains("Keras 2.13.1", error.Message);
    }

    [Fact]
    public void Legacy_save_weights_file_loads_by_position_with_an_architecture_file()
    {
        // model.save_weights('model-weights.h5') in Keras 2: layer groups at the root named dense_14, dense_15, and
        // an architecture from model.to_json() whose fresh layers are called dense and dense_1.
        using var temp = new TempFolder();
        var model = KerasTestModel.Chapter7(flatInput: false, dropout: true);
        model.WriteLegacyWeights(temp.File("model-weights.h5"));

        var loaded = ModelFile.Load(temp.File("model-weights.h5"), architecture: "7-3-dropout");

        Assert.Equal(["flatten", "dense", "dropout", "dense_1"], loaded.Net.Spec.Layers.Select(l => l.Name));
        Assert.Equal("Keras 2.13.1 HDF5 weights + 7-3-dropout", loaded.Format);
        AssertComputesLikeKeras(model, loaded);
    }

    [Fact]
    public void Keras_3_weights_file_loads_with_an_architecture_json_file()
    {
        using var temp = new TempFolder();
        var model = KerasTestModel.Chapter7(flatInput: true);
        model.WriteWeightsH5(temp.File("model.weights.h5"), new Dictionary<string, string> { ["dense_14"] = "layers/dense", ["dense_15"] = "layers/dense_1" });
        File.WriteAllText(temp.File("model.json"), model.ConfigJson());

        var loaded = ModelFile.Load(temp.File("model.weights.h5"), architecture: temp.File("model.json"));

        Assert.Equal([784], loaded.Net.Spec.InputShape.Dimensions);
        AssertComputesLikeKeras(model, loaded);
    }

    [Fact]
    public void A_weights_only_file_without_an_architecture_says_how_to_give_one()
    {
        using var temp = new TempFolder();
        KerasTestModel.Chapter7(flatInput: false).WriteLegacyWeights(temp.File("model-weights.h5"));

        var error = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("model-weights.h5")));

        Assert.StartsWith("model-weights.h5: a weights-only file (save_weights) lacks the architecture; give it with --architecture", error.Message);
    }

    [Fact]
    public void Weights_of_another_count_or_shape_are_one_line_naming_both()
    {
        // The 7-2 sigmoid model's weights (784 → 100 → 10) given the 7-1 architecture (one Dense), then one whose hidden layer has 50 units.
        using var temp = new TempFolder();
        KerasTestModel.Chapter7(flatInput: true).WriteLegacyWeights(temp.File("w.h5"));
        File.WriteAllText(temp.File("narrow.json"), """
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 784], "name": "in"}},
              {"class_name": "Dense", "config": {"name": "dense", "units": 50, "activation": "relu"}},
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 10, "activation": "softmax"}}]}}
            """);

        var countError = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("w.h5"), architecture: "7-1-logistic-regression"));
        var shapeError = Assert.Throws<FashionCnnException>(() => ModelFile.Load(temp.File("w.h5"), architecture: temp.File("narrow.json")));

        Assert.Equal("w.h5: the file holds weights for 2 layer(s) (dense_14, dense_15); the model has 1 layer(s) with weights (dense).", countError.Message);
        Assert.Equal("w.h5: layer dense (Dense) needs a kernel of shape (784, 50); the file's layer dense_14 has (784, 100).", shapeError.Message);
    }

    [Fact]
    public void A_softmax_inside_the_model_is_computed_as_softmax()
    {
        // Dense(4, softmax) in the middle: its outputs sum to one and feed the next layer; only the last softmax is left to the loss.
        var spec = new ModelSpec(new TensorShape(3), [new Dense("inner", 4, Activation.Softmax), new Dense("out", 2, Activation.Softmax)]);
        using var net = new SequentialNet(spec);
        net.InitializeLikeKeras(3);
        using var x = tensor(new float[] { 0.5f, -1, 2 }, [1, 3]);
        using var _ = no_grad();

        using var inner = net.ForwardThrough(x, 0);
        using var logits = net.call(x);
        var (w, b) = net.WeightAndBias(1);
        using var expected = inner.matmul(w.t()).add(b);

        Assert.Equal(1.0, inner.sum().item<float>(), 5);
        Assert.True(inner.min().item<float>() > 0);
        Assert.True(logits.allclose(expected, 1e-6, 1e-6));
    }

    [Fact]
    public void A_model_whose_last_layer_is_not_softmax_or_linear_is_refused_for_scoring()
    {
        var spec = new ModelSpec(new TensorShape(784), [new Dense("out", 10, Activation.Sigmoid)]);

        var error = Assert.Throws<FashionCnnException>(() => LoadedModel.RequireClassifier(spec, "m.h5"));

        Assert.Equal("m.h5: the last layer ends in sigmoid; class scores need softmax (or linear logits).", error.Message);
    }

    [Theory]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"InputLayer\",\"config\":{\"batch_input_shape\":[null,28,28],\"name\":\"in\"}},{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"}},{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10}}]}}", new[] { 28, 28 })]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10,\"batch_input_shape\":[null,784]}}]}}", new[] { 784 })]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10,\"input_shape\":[784]}}]}}", new[] { 784 })]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10}}],\"build_input_shape\":[null,784]}}", new[] { 784 })]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"InputLayer\",\"config\":{\"batch_shape\":[null,28,28,1],\"name\":\"in\"}},{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"}},{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10}}]}}", new[] { 28, 28, 1 })]
    [InlineData("{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"},\"build_config\":{\"input_shape\":[null,28,28]}},{\"class_name\":\"Dense\",\"config\":{\"name\":\"d\",\"units\":10}}]}}", new[] { 28, 28 })]
    public void The_input_shape_comes_from_whichever_key_the_file_has(string json, int[] shape) =>
        Assert.Equal(shape, KerasModelConfig.Parse(json, "m.json").InputShape.Dimensions);

    [Fact]
    public void Every_bundled_architecture_is_the_keras_json_of_the_books_model()
    {
        var expected = new Dictionary<string, (int[] Input, long Parameters, string Layers)>
        {
            // Parameter counts as the book's model.summary() prints them.
            ["7-1-logistic-regression"] = ([784], 7_850, "Dense"),
            ["7-2-dense-sigmoid"] = ([784], 79_510, "Dense Dense"),
            ["7-2-dense-relu"] = ([28, 28], 79_510, "Flatten Dense Dense"),
            ["7-3-dropout"] = ([28, 28], 79_510, "Flatten Dense Dropout Dense"),
            ["8-2-cnn"] = ([28, 28, 1], 333_526, "Conv2D MaxPooling2D Conv2D MaxPooling2D Flatten Dense Dropout Dense"),
            // Two convolutions a block where the book has one (32 → 32: 3·3·32·32 + 32; 64 → 64: 3·3·64·64 + 64), a third
            // block of 128 filters (3·3·64·128 + 128), BatchNormalization of 4 numbers a channel after each convolution,
            // and the book's Dense(100) on the 3 × 3 × 128 values left after three poolings.
            ["8-2-cnn-plus"] = ([28, 28, 1], 320 + (3 * 3 * 32 * 32 + 32) + 18_496 + (3 * 3 * 64 * 64 + 64) + (3 * 3 * 64 * 128 + 128)
                + 4 * (32 + 32 + 64 + 64 + 128) + (3 * 3 * 128 * 100 + 100) + 1_010,
                "RandomFlip RandomTranslation Conv2D BatchNormalization Conv2D BatchNormalization MaxPooling2D "
                + "Conv2D BatchNormalization Conv2D BatchNormalization MaxPooling2D "
                + "Conv2D BatchNormalization MaxPooling2D Flatten Dense Dropout Dense"),
        };
        Assert.Equal(expected.Keys, ArchitectureSource.Bundled.Select(b => b.Name));
        foreach (var (name, (input, parameters, layers)) in expected)
        {
            var spec = KerasModelConfig.Parse(ArchitectureSource.BundledJson(name)!, name);
            Assert.Equal(input, spec.InputShape.Dimensions);
            Assert.Equal(parameters, spec.ParameterCount);
            Assert.Equal(layers, string.Join(' ', spec.Layers.Select(l => l.KerasClass)));
            Assert.Equal("sequential", JsonNode.Parse(ArchitectureSource.BundledJson(name)!)!["config"]!["name"]!.GetValue<string>());
        }
    }
}
