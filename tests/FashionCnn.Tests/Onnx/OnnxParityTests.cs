using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Onnx;
using FashionCnn.Tests.Interop;
using Microsoft.ML.OnnxRuntime;

namespace FashionCnn.Tests.Onnx;

/// <summary>
/// An exported model must compute in ONNX Runtime what it computes in TorchSharp: the probabilities of 257
/// validation images agree within 1e-5, one image at a time and all 257 in one batch. The inputs are scaled here,
/// from the model's own definition (raw pixels after a Rescaling, pixel / 255 otherwise), not by the code under test.
/// </summary>
public class OnnxParityTests
{
    public static TheoryData<string> Models => ["book-cnn", "chapter7-784", "chapter7-28x28", "every-layer"];

    private static string Write(string model, TempFolder temp) => model switch
    {
        "book-cnn" => OnnxTestModels.BookModel,
        "chapter7-784" => OnnxTestModels.WriteChapter7(temp.File("dense.h5"), flatInput: true),
        "chapter7-28x28" => OnnxTestModels.WriteChapter7(temp.File("dense.h5"), flatInput: false),
        _ => OnnxTestModels.WriteCheckpoint(OnnxTestModels.EveryLayer, temp.File("every-layer.safetensors")),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_gives_torchsharps_probabilities_within_1e_5_at_batch_1_and_257(string name)
    {
        using var temp = new TempFolder();
        var model = ModelFile.Load(Write(name, temp));
        using var net = model.Net;
        var images = OnnxTestModels.Validation257.Value;
        ModelExport.Write(model, ExportFormat.Onnx, temp.File("model.onnx"));
        float[] expected = OnnxTestModels.TorchSharpProbabilities(net, images.Pixels, images.Count);

        using var session = new InferenceSession(temp.File("model.onnx"));
        float scale = net.Spec.Layers[0] is FashionCnn.Model.Layers.Rescaling ? 1f : 1f / 255;
        float[] inputs = images.Pixels.Select(p => p * scale).ToArray();
        int[] imageShape = net.Spec.InputShape.Dimensions;

        foreach (int batchSize in new[] { 1, 257 })
        {
            float[] actual = OnnxTestModels.OnnxRuntimeProbabilities(session, inputs, imageShape, images.Count, batchSize);
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-5, $"{name}, batch {batchSize}: largest difference {worst:E2}");
        }

        // Not vacuous: the probabilities differ from image to image far more than the tolerance.
        double spread = Enumerable.Range(0, expected.Length).Max(i => Math.Abs(expected[i] - expected[i % 10]));
        Assert.True(spread > 0.05, $"{name}: the probabilities hardly depend on the image (spread {spread:F4})");
    }

    [Fact]
    public void Every_keras_layer_kind_computes_in_onnx_runtime_what_the_loop_level_keras_reference_computes()
    {
        // 10×10×2 raw pixels, Rescaling with an offset, a strided same convolution, BatchNormalization of an image and
        // of a vector, a valid convolution, max pooling with stride 1, Dropout and a final softmax, against plain loops.
        using var temp = new TempFolder();
        var keras = new KerasTestModel();
        keras.WriteH5(temp.File("every-kind.h5"));
        var model = ModelFile.Load(temp.File("every-kind.h5"));
        using (model.Net) ModelExport.Write(model, ExportFormat.Onnx, temp.File("every-kind.onnx"));
        var random = new Random(5);
        int perImage = KerasTestModel.Height * KerasTestModel.Width * KerasTestModel.Channels;
        double[][] images = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, perImage).Select(_ => (double)random.Next(256)).ToArray()).ToArray();

        using var session = new InferenceSession(temp.File("every-kind.onnx"));
        float[] actual = OnnxTestModels.OnnxRuntimeProbabilities(session, images.SelectMany(i => i.Select(v => (float)v)).ToArray(),
            keras.InputShape, images.Length, batchSize: 3);

        for (int n = 0; n < images.Length; n++)
        {
            double[] logits = keras.ReferenceLogits(images[n]);
            double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
            for (int k = 0; k < logits.Length; k++)
                Assert.Equal(Math.Exp(logits[k] - max) / sum, actual[n * logits.Length + k], 5);
        }
    }

    [Fact]
    public void The_exported_books_model_evaluates_in_onnx_runtime_to_the_torchsharp_paths_numbers()
    {
        using var temp = new TempFolder();
        var validation = BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory }).Validation;
        var model = ModelFile.Load(OnnxTestModels.BookModel);
        ModelExport.Write(model, ExportFormat.Onnx, temp.File("book.onnx"));

        using var torchSharp = new TorchSharpClassifier(model, TorchSharp.torch.CPU);
        using var onnxRuntime = OnnxRuntimeClassifier.Open(temp.File("book.onnx"), threads: 2);
        var expected = Evaluation.Run(torchSharp, validation);
        var actual = Evaluation.Run(onnxRuntime, validation);

        Assert.Equal(11065, expected.Correct); // what the book printed
        Assert.Equal(expected.Correct, actual.Correct);
        Assert.Equal(expected.Loss, actual.Loss, 1e-4);
        Assert.Equal(expected.Predictions!.Predicted, actual.Predictions!.Predicted);
    }
}
