using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>Loss and accuracy over a whole set, as Keras' <c>model.evaluate</c> reports them.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Correct, int Count);

public static class Evaluation
{
    /// <summary>Images per forward pass: large enough to keep the cores busy, small enough for a laptop's memory.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// Mean sparse categorical cross-entropy and accuracy over <paramref name="data"/>, dropout off. Sums stay
    /// on the device and are read once at the end.
    /// </summary>
    public static EvaluationResult Run(SequentialNet net, DeviceDataset data, int batchSize = DefaultBatchSize)
    {
        bool wasTraining = net.training;
        net.eval();
        try
        {
            using var _ = no_grad();
            using var lossSum = zeros(1, ScalarType.Float64, data.Images.device);
            using var correct = zeros(1, ScalarType.Int64, data.Images.device);
            for (long start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(batchSize, data.Count - start);
                var logits = net.call(data.ImageRange(start, count));
                var labels = data.LabelRange(start, count);
                lossSum.add_(nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
                correct.add_(logits.argmax(1).eq(labels).sum());
            }
            int right = (int)correct.item<long>();
            return new EvaluationResult(lossSum.item<double>() / data.Count, (double)right / data.Count, right, data.Count);
        }
        finally
        {
            if (wasTraining) net.train();
        }
    }
}
