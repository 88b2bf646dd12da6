using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;

namespace FashionCnn.Tests.Inference;

public class ClassifierTests
{
    /// <summary>A classifier that answers from a table: image i (its first pixel holds i) gets row i.</summary>
    private sealed class TableClassifier(double[][] probabilities) : IClassifier
    {
        public string Format => "table";

        public IReadOnlyList<string> ClassNames { get; } = ["a", "b", "c"];

        public TensorShape InputShape { get; } = new(28, 28, 1);

        public float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count)
        {
            var result = new List<float>();
            for (int n = 0; n < count; n++)
                result.AddRange(probabilities[pixels[n * LabeledImages.PixelsPerImage]].Select(p => (float)Math.Log(p)));
            return result.ToArray();
        }

        public void Dispose() { }
    }

    [Fact]
    public void Evaluation_is_the_mean_cross_entropy_and_the_share_of_top_classes_that_match_the_labels()
    {
        double[][] probabilities = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2], [0.2, 0.5, 0.3], [0.05, 0.05, 0.9]];
        byte[] labels = [0, 1, 1, 1, 2];
        var pixels = new byte[labels.Length * LabeledImages.PixelsPerImage];
        for (int i = 0; i < labels.Length; i++) pixels[i * LabeledImages.PixelsPerImage] = (byte)i;

        var result = Evaluation.Run(new TableClassifier(probabilities), new LabeledImages(pixels, labels), batchSize: 2);

        // −(ln 0.7 + ln 0.3 + ln 0.4 + ln 0.5 + ln 0.9) / 5; the tie of image 2 goes to the first class, as argmax does.
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.4) + Math.Log(0.5) + Math.Log(0.9)) / 5, result.Loss, 6);
        Assert.Equal([0, 2, 0, 1, 2], result.Predictions!.Predicted);
        Assert.Equal(3, result.Correct);
        Assert.Equal(0.6, result.Accuracy, 9);
        Assert.Equal(0.6f, result.Predictions.Confidence[1], 5);
    }

    [Fact]
    public void The_torchsharp_classifier_runs_a_net_left_in_training_mode_as_evaluate_does()
    {
        var net = new SequentialNet(ModelFile.Architecture("7-3-dropout", "--architecture"));
        net.InitializeLikeKeras(2);
        net.train();
        var random = new Random(2);
        var pixels = new byte[4 * LabeledImages.PixelsPerImage];
        random.NextBytes(pixels);
        using var classifier = new TorchSharpClassifier(new LoadedModel(net, FashionClasses.Names, new Dictionary<string, string>(), "test"), TorchSharp.torch.CPU);

        float[] first = classifier.LogProbabilities(pixels, 4), second = classifier.LogProbabilities(pixels, 4);

        // Dropout (rate 0.3) in training mode would give two different answers.
        Assert.Equal(first, second);
        Assert.True(net.training); // left as it was found: a training run's network goes on training after its validation
    }
}
