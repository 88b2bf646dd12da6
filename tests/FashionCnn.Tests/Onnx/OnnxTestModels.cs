using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Onnx;
using FashionCnn.Onnx.Protobuf;
using FashionCnn.Tests.Interop;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Onnx;

/// <summary>
/// The models the ONNX tests export, each written to a file first as a user's would be: the book's CNN, the
/// chapter 7 dense models as Keras .h5 files, and a model built from a <see cref="ModelSpec"/> with every layer
/// the export translates in the awkward forms (strided valid and asymmetric same convolutions and pooling, a
/// softmax over channels, Reshape between images and rows, BatchNormalization of an image, of rows and of a vector).
/// </summary>
internal static class OnnxTestModels
{
    public static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    /// <summary>The first 257 images of the book's validation split: one more than a power of two, so no batch size divides it evenly.</summary>
    public static readonly Lazy<LabeledImages> Validation257 = new(() => BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory }).Validation.Take(257));

    public static ModelSpec EveryLayer { get; } = new(new TensorShape(28, 28, 1),
    [
        new Rescaling("rescaling", 1 / 255.0, -0.2),
        new Conv2D("conv_valid", 4, 3, Activation.Tanh, SamePadding: false, Strides: 2),       // (13, 13, 4)
        new BatchNormalization("bn_image", Epsilon: 0.001),
        // Augmentation on a 4-channel image inside the model: training only, so the identity in every comparison here.
        new RandomFlip("flip", Horizontal: true, Vertical: false),
        new RandomTranslation("shift", new(-0.2, 0.1), new(-0.1, 0.1), FillMode.Wrap, Interpolation.Nearest, 0.5, Seed: 3),
        new RandomRotation("turn", new(-0.1, 0.1)),
        new RandomZoom("zoom", new(-0.2, 0.2), null, FillMode.Constant, Interpolation.Bilinear, 0.25),
        new RandomContrast("contrast", new(0.2, 0.3), 0, 1),
        new Conv2D("conv_same", 6, 4, Activation.Softmax, SamePadding: true, Strides: 2),      // (7, 7, 6), padding 1 before, 2 after
        new AveragePooling2D("avg_same", 2, SamePadding: true),                                // (4, 4, 6), padding 0 before, 1 after
        new MaxPooling2D("max_same", 2, Strides: 1, SamePadding: true),                        // (4, 4, 6), padding 0 before, 1 after
        new AveragePooling2D("avg_valid", 2, Strides: 1),                                      // (3, 3, 6)
        new Reshape("reshape_image", [6, 3, 3]),
        new Conv2D("conv_after_reshape", 5, 1, Activation.Relu, SamePadding: false),           // (6, 3, 5)
        new Reshape("reshape_rows", [-1, 5]),                                                  // (18, 5)
        new BatchNormalization("bn_rows", Epsilon: 0.01),
        new Flatten("flatten"),
        new Dense("dense", 20, Activation.Sigmoid),
        new Dropout("dropout", 0.3),
        new BatchNormalization("bn_vector"),
        new Dense("dense_1", 10, Activation.Linear),
    ]);

    /// <summary>A fashioncnn checkpoint of <paramref name="spec"/> with seeded random weights: kernels four times glorot's, biases and BatchNormalization statistics far from their initial values.</summary>
    public static string WriteCheckpoint(ModelSpec spec, string path, int seed = 7)
    {
        using var net = new SequentialNet(spec);
        net.InitializeLikeKeras(seed);
        var random = new Random(seed);
        float Uniform(double low, double high) => (float)(low + (high - low) * random.NextDouble());
        var weights = Checkpoint.Weights(net).Select(w =>
        {
            string part = w.Name[(w.Name.LastIndexOf('.') + 1)..];
            bool norm = spec.Layers.Single(l => w.Name.StartsWith(l.ModuleName + ".", StringComparison.Ordinal)) is BatchNormalization;
            Func<float, float> value = (norm, part) switch
            {
                (true, "weight") => _ => Uniform(0.5, 1.5),
                (true, "running_var") => _ => Uniform(0.4, 1.6),
                (true, _) => _ => Uniform(-0.3, 0.3),
                (false, "bias") => _ => Uniform(-0.2, 0.2),
                // Glorot's small kernels, through softmax, pooling and sigmoid, would give nearly the same answer for every image.
                _ => v => 4 * v,
            };
            return w with { Values = w.Values.Select(value).ToArray() };
        }).ToList();
        Checkpoint.LoadWeights(net, weights, "test");
        Checkpoint.Save(net, path);
        return path;
    }

    /// <summary>The chapter 7 dense model as a Keras 2 .h5: input (784,) with sigmoid, or (28, 28) → Flatten with relu.</summary>
    public static string WriteChapter7(string path, bool flatInput)
    {
        KerasTestModel.Chapter7(flatInput, dropout: !flatInput).WriteH5(path);
        return path;
    }

    /// <summary>What TorchSharp's forward pass gives: softmax over the logits, for the bytes of <paramref name="count"/> images.</summary>
    public static float[] TorchSharpProbabilities(SequentialNet net, byte[] pixels, int count)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        net.eval();
        var images = tensor(pixels, [count, 1, LabeledImages.Height, LabeledImages.Width], ScalarType.Byte);
        return net.Probabilities(net.InputFromPixels(images)).data<float>().ToArray();
    }

    /// <summary>ONNX Runtime's output for pixels already scaled as the model takes them, in batches of <paramref name="batchSize"/>.</summary>
    public static float[] OnnxRuntimeProbabilities(InferenceSession session, float[] inputs, int[] imageShape, int count, int batchSize)
    {
        int perImage = imageShape.Aggregate(1, (p, d) => p * d);
        var result = new List<float>();
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            using var input = OrtValue.CreateTensorValueFromMemory(inputs[(start * perImage)..((start + n) * perImage)], [n, .. imageShape.Select(d => (long)d)]);
            using var options = new RunOptions();
            using var outputs = session.Run(options, [OnnxFormat.InputName], [input], [OnnxFormat.OutputName]);
            result.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }
        return result.ToArray();
    }

    public static ModelProto Parse(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes);

    public static string? Metadata(ModelProto model, string key) => model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;
}
