using System.Text.Json.Nodes;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Interop;

/// <summary>
/// Keras files whose models begin with augmentation layers, their configs as Keras writes them: Keras 3's get_config
/// (keras/src/layers/preprocessing/image_preprocessing/*.py: a factor kept as its (lower, upper) pair, data_format, a
/// DTypePolicy) and tf.keras 2's (factor as given, a dtype string). At inference the layers are the identity, so the
/// every-kind model's loop-level reference, which has no augmentation, is still the oracle.
/// </summary>
public class AugmentationFileTests
{
    private static JsonObject Policy() => new()
    {
        ["module"] = "keras", ["class_name"] = "DTypePolicy", ["config"] = new JsonObject { ["name"] = "float32" }, ["registered_name"] = null,
    };

    private static JsonObject Keras3Layer(string className, JsonObject config)
    {
        config["trainable"] = true;
        config["dtype"] = Policy();
        config["data_format"] = "channels_last";
        return new JsonObject { ["module"] = "keras.layers", ["class_name"] = className, ["config"] = config, ["registered_name"] = null };
    }

    private static JsonObject Keras2Layer(string className, JsonObject config)
    {
        config["trainable"] = true;
        config["dtype"] = "float32";
        return new JsonObject { ["class_name"] = className, ["config"] = config };
    }

    /// <summary>RandomFlip, RandomTranslation, RandomRotation, RandomZoom and RandomContrast as <paramref name="keras3"/> or tf.keras 2 writes them.</summary>
    private static JsonObject[] Augmentations(bool keras3) => keras3
        ?
        [
            Keras3Layer("RandomFlip", new JsonObject { ["name"] = "random_flip", ["seed"] = null, ["mode"] = "horizontal" }),
            Keras3Layer("RandomTranslation", new JsonObject
            {
                ["name"] = "random_translation", ["height_factor"] = 0.1, ["width_factor"] = new JsonArray(-0.2, 0.3),
                ["fill_mode"] = "constant", ["interpolation"] = "bilinear", ["seed"] = 7, ["fill_value"] = 0.0,
            }),
            Keras3Layer("RandomRotation", new JsonObject
            {
                ["name"] = "random_rotation", ["factor"] = new JsonArray(-0.1, 0.1), ["fill_mode"] = "reflect", ["fill_value"] = 0.0,
                ["interpolation"] = "bilinear", ["seed"] = null,
            }),
            Keras3Layer("RandomZoom", new JsonObject
            {
                ["name"] = "random_zoom", ["height_factor"] = new JsonArray(-0.2, 0.1), ["width_factor"] = null, ["fill_mode"] = "nearest",
                ["interpolation"] = "nearest", ["seed"] = null, ["fill_value"] = 0.0,
            }),
            Keras3Layer("RandomContrast", new JsonObject { ["name"] = "random_contrast", ["factor"] = new JsonArray(0.0, 0.2), ["value_range"] = new JsonArray(0, 255), ["seed"] = null }),
        ]
        :
        [
            Keras2Layer("RandomFlip", new JsonObject { ["name"] = "random_flip", ["mode"] = "horizontal_and_vertical", ["seed"] = null }),
            Keras2Layer("RandomTranslation", new JsonObject
            {
                ["name"] = "random_translation", ["height_factor"] = 0.1, ["width_factor"] = 0.1, ["fill_mode"] = "reflect",
                ["fill_value"] = 0.0, ["interpolation"] = "bilinear", ["seed"] = null,
            }),
            Keras2Layer("RandomRotation", new JsonObject
            {
                ["name"] = "random_rotation", ["factor"] = 0.2, ["fill_mode"] = "wrap", ["fill_value"] = 0.0, ["interpolation"] = "bilinear", ["seed"] = null,
            }),
            Keras2Layer("RandomZoom", new JsonObject
            {
                ["name"] = "random_zoom", ["height_factor"] = 0.2, ["width_factor"] = 0.3, ["fill_mode"] = "constant", ["fill_value"] = 0.0,
                ["interpolation"] = "bilinear", ["seed"] = 3,
            }),
            Keras2Layer("RandomContrast", new JsonObject { ["name"] = "random_contrast", ["factor"] = 0.2, ["seed"] = null }),
        ];

    /// <summary>The every-kind test model with the augmentation layers after its input, before its Rescaling.</summary>
    private static KerasTestModel Model(bool keras3)
    {
        var model = new KerasTestModel();
        var layers = Augmentations(keras3);
        for (int i = 0; i < layers.Length; i++) model.Layers.Insert(1 + i, layers[i]);
        return model;
    }

    private static double[][] Images(int count)
    {
        var random = new Random(17);
        int perImage = KerasTestModel.Height * KerasTestModel.Width * KerasTestModel.Channels;
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, perImage).Select(_ => (double)random.Next(256)).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_keras_file_with_augmentation_layers_loads_evaluates_as_without_them_and_exports(bool keras3)
    {
        using var temp = new TempFolder();
        var keras = Model(keras3);
        string path = temp.File(keras3 ? "augmented.keras" : "augmented.h5");
        if (keras3) keras.WriteKeras(path, kerasVersion: "3.10.0"); else keras.WriteH5(path, kerasVersion: "2.15.0");
        var images = Images(5);

        var loaded = ModelFile.Load(path);
        using var net = loaded.Net;
        net.eval();
        using var batch = tensor(images.SelectMany(i => i.Select(v => (float)v)).ToArray(), [images.Length, KerasTestModel.Height, KerasTestModel.Width, KerasTestModel.Channels]).permute(0, 3, 1, 2);
        float[] logits;
        using (no_grad()) logits = net.call(batch).data<float>().ToArray();
        ModelExport.Write(loaded, ExportFormat.Onnx, temp.File("augmented.onnx"), path);

        Assert.Equal(["RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast", "Rescaling"],
            net.Spec.Layers.Take(6).Select(l => l.KerasClass));
        Assert.True(net.Spec.TakesRawPixels);
        using var session = new InferenceSession(temp.File("augmented.onnx"));
        float[] onnx = OnnxTestModels.OnnxRuntimeProbabilities(session, images.SelectMany(i => i.Select(v => (float)v)).ToArray(), keras.InputShape, images.Length, batchSize: 2);
        for (int n = 0; n < images.Length; n++)
        {
            double[] expected = keras.ReferenceLogits(images[n]);
            double max = expected.Max(), sum = expected.Sum(l => Math.Exp(l - max));
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], logits[n * expected.Length + k], 4);
                Assert.Equal(Math.Exp(expected[k] - max) / sum, onnx[n * expected.Length + k], 5);
            }
        }
        var metadata = OnnxTestModels.Metadata(OnnxTestModels.Parse(File.ReadAllBytes(temp.File("augmented.onnx"))), "augmentation_left_out");
        Assert.StartsWith("random_flip (RandomFlip), random_translation (RandomTranslation), random_rotation (RandomRotation), random_zoom (RandomZoom), random_contrast (RandomContrast)", metadata);
    }

    [Fact]
    public void Factors_are_read_as_keras_reads_them_and_written_back_as_keras_3_writes_them()
    {
        var keras2 = KerasModelConfig.Parse(Model(keras3: false).ConfigJson(), "m.h5").Layers;
        var keras3 = KerasModelConfig.Parse(Model(keras3: true).ConfigJson(), "m.keras").Layers;

        // One number f is (−f, f); a list is its sorted pair; Keras 2's one-number contrast factor is both ends of [1 − f, 1 + f].
        Assert.Equal(new RandomTranslation("random_translation", new(-0.1, 0.1), new(-0.2, 0.3), FillMode.Constant, Interpolation.Bilinear, 0, 7), keras3[1]);
        Assert.Equal(new RandomZoom("random_zoom", new(-0.2, 0.1), null, FillMode.Nearest, Interpolation.Nearest), keras3[3]);
        Assert.Equal(new RandomRotation("random_rotation", new(-0.2, 0.2), FillMode.Wrap), keras2[2]);
        Assert.Equal(new RandomContrast("random_contrast", new(0.2, 0.2)), keras2[4]);
        Assert.Equal(new RandomFlip("random_flip", Horizontal: true, Vertical: true), keras2[0]);
        var written = KerasModelConfig.Parse(KerasModelConfig.ToJson(new ModelSpec(new TensorShape(10, 10, 2), keras3)), "again");
        Assert.Equal(keras3.Take(5), written.Layers.Take(5));
    }

    [Theory]
    [InlineData("RandomTranslation", "height_factor", "1.5", "has height_factor 1.5; Keras takes values from -1 to 1")]
    [InlineData("RandomZoom", "height_factor", "[-1, 0.2]", "has height_factor [-1, 0.2]; Keras takes values above -1 up to 1")]
    [InlineData("RandomRotation", "factor", "[1.5, 2]", "has factor [1.5, 2]; Keras takes a fraction of a full turn within [-1, 1]")]
    [InlineData("RandomContrast", "factor", "1.2", "has factor 1.2; Keras takes values from 0 to 1")]
    [InlineData("RandomFlip", "mode", "\"diagonal\"", "has mode 'diagonal'; Keras takes horizontal, vertical or horizontal_and_vertical")]
    [InlineData("RandomZoom", "fill_mode", "\"mirror\"", "has fill_mode 'mirror'; Keras takes reflect, wrap, constant or nearest")]
    [InlineData("RandomRotation", "interpolation", "\"bicubic\"", "has interpolation 'bicubic'; Keras' augmentation layers take bilinear or nearest")]
    [InlineData("RandomTranslation", "width_factor", "[0.1, 0.2, 0.3]", "has width_factor [0.1,0.2,0.3]; Keras takes one number or a list of two")]
    public void A_value_outside_keras_range_is_one_sentence_naming_file_layer_and_value(string className, string key, string value, string expected)
    {
        var model = Model(keras3: true);
        var layer = model.Layers.Select(l => l!.AsObject()).First(l => l["class_name"]!.GetValue<string>() == className);
        layer["config"]![key] = JsonNode.Parse(value);

        var error = Assert.Throws<FashionCnnException>(() => KerasModelConfig.Parse(model.ConfigJson(), "m.keras"));

        Assert.Contains($"m.keras: layer {layer["config"]!["name"]} ({className}) {expected}.", error.Message);
    }
}
