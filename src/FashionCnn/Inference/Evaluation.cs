using FashionCnn.Data;

namespace FashionCnn.Inference;

/// <summary>Loss and accuracy over a whole set, as Keras' <c>model.evaluate</c> reports them, and each prediction.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Correct, int Count, Predictions Predictions);

/// <summary>Each image's predicted class and its probability (<see cref="IClassifier"/>'s rule), with the true labels, in data set order.</summary>
public sealed record Predictions(int[] Predicted, float[] Confidence, int[] Labels);

/// <summary>
/// Keras' <c>model.evaluate</c> through any <see cref="IClassifier"/>: mean sparse categorical cross-entropy, accuracy
/// and each prediction. The one evaluation path: <c>evaluate</c>, <c>train</c>'s validation, <c>bench</c> and
/// <c>explain --misclassified</c> all run it, so they agree on every number and on the order of mistakes.
/// </summary>
public static class Evaluation
{
    /// <summary>
    /// Images per forward pass. Measured with bench on 2 cores: 128 is as fast as any (the activations of a
    /// batch stay in cache), while 500 was 20% slower and 1,000 added 300 MB of peak memory.
    /// </summary>
    public const int DefaultBatchSize = 128;

    /// <summary>More images per forward pass than any split has is one pass anyway.</summary>
    public const int MaxBatchSize = 60_000;

    public static EvaluationResult Run(IClassifier classifier, LabeledImages images, int batchSize = DefaultBatchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        ModelFit.Require(classifier.InputShape, classifier.ClassNames.Count, images, "the model");
        int classes = classifier.ClassNames.Count;
        var predicted = new int[images.Count];
        var confidence = new float[images.Count];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            float[] logs = classifier.LogProbabilities(images.Pixels.AsSpan(start * images.Shape.Values, count * images.Shape.Values), count);
            for (int i = 0; i < count; i++)
            {
                var row = logs.AsSpan(i * classes, classes);
                int label = images.Labels[start + i], top = TopClass(row);
                lossSum -= row[label];
                predicted[start + i] = top;
                confidence[start + i] = MathF.Exp(row[top]);
                if (top == label) correct++;
            }
        }
        var labels = images.Labels.Select(l => (int)l).ToArray();
        return new EvaluationResult(lossSum / images.Count, (double)correct / images.Count, correct, images.Count,
            new Predictions(predicted, confidence, labels));
    }

    /// <summary>
    /// Every class's probability for <paramref name="count"/> images (each <see cref="IClassifier.InputShape"/>'s values), row after row, in batches of
    /// <paramref name="batchSize"/>: exp of the classifier's log-probabilities (<see cref="IClassifier"/>'s rule).
    /// </summary>
    public static float[] Probabilities(IClassifier classifier, ReadOnlySpan<byte> pixels, int count, int batchSize = DefaultBatchSize)
    {
        int classes = classifier.ClassNames.Count, values = (int)classifier.InputShape.ElementCount;
        var probabilities = new float[count * classes];
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            float[] logs = classifier.LogProbabilities(pixels.Slice(start * values, n * values), n);
            for (int i = 0; i < logs.Length; i++) probabilities[start * classes + i] = MathF.Exp(logs[i]);
        }
        return probabilities;
    }

    /// <summary>The first of the largest, as argmax does.</summary>
    public static int TopClass(ReadOnlySpan<float> row)
    {
        int top = 0;
        for (int c = 1; c < row.Length; c++)
            if (row[c] > row[top]) top = c;
        return top;
    }
}
