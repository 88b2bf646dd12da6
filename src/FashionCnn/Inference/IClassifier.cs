namespace FashionCnn.Inference;

/// <summary>
/// A model that classifies Fashion-MNIST images, whatever runs it: the TorchSharp network of any model file
/// (<see cref="TorchSharpClassifier"/>) or an ONNX file in ONNX Runtime (<see cref="OnnxRuntimeClassifier"/>).
/// <c>evaluate</c>, <c>predict</c> and <c>bench</c> use only this, so both give the same commands the same numbers.
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
