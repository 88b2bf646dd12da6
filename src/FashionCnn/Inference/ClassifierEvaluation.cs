using FashionCnn.Data;
using FashionCnn.Training;

namespace FashionCnn.Inference;

/// <summary>Keras' <c>model.evaluate</c> through any <see cref="IClassifier"/>: mean sparse categorical cross-entropy, accuracy and each prediction.</summary>
public static class ClassifierEvaluation
{
    public static EvaluationResult Run(IClassifier classifier, LabeledImages images, int batchSize = Evaluation.DefaultBatchSize)
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
                int label = images.Labels[start + i], top = 0;
                for (int c = 1; c < classes; c++)
                    if (row[c] > row[top]) top = c;
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
}
