namespace FashionCnn.Inference;

/// <summary>
/// A model that classifies Fashion-MNIST images, whatever runs it: the TorchSharp network of any model file
/// (<see cref="TorchSharpClassifier"/>) or an ONNX file in ONNX Runtime (<see cref="OnnxRuntimeClassifier"/>).
/// <c>evaluate</c>, <c>predict</c>, <c>explain</c>, <c>train</c>'s validation and <c>bench</c> use only this (through
/// <see cref="Evaluation"/>), so both engines give every command the same numbers.
/// <para>
/// The one rule for probabilities: a classifier gives each class's log-probability (TorchSharp: log_softmax of the
/// float32 logits; ONNX Runtime: the log of the exported softmax); a probability is exp of it, the prediction is the
/// first class with the largest, and the confidence is that class's probability. The loss is −log-probability of the label.
/// </para>
/// </summary>
public interface IClassifier : IDisposable
{
    /// <summary>What the model is and what runs it, for the user: "Keras 2.11.0 .h5", "ONNX opset 13 … in ONNX Runtime 1.31.1".</summary>
    string Format { get; }

    /// <summary>One name per class, in output order.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The shape of one image as the model takes it, in Keras' order: (28, 28, 1), (784,), (32, 32, 3).</summary>
    Model.TensorShape InputShape { get; }

    /// <summary>
    /// The natural logarithm of each class's probability for <paramref name="count"/> images given as grey bytes
    /// (<see cref="InputShape"/>'s values each, row by row with a pixel's channels together, 0 = background): count × classes values, row-major. Logarithms rather than
    /// probabilities so that the cross-entropy of a confident mistake keeps its digits; the classifier scales the
    /// pixels as its model expects.
    /// </summary>
    float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count);
}
