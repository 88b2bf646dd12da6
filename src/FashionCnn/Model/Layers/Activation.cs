using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// The activation a layer applies to its output. Softmax normalises over the last Keras axis (the
/// channels of an image, the units of a vector), wherever it stands.
/// </summary>
public enum Activation { Linear, Relu, Sigmoid, Tanh, Softmax }

/// <summary>An activation's Keras name, its TorchSharp arithmetic and its ONNX operator, in one place.</summary>
public static class Activations
{
    /// <summary>Keras' names of the activations this tool runs, for error messages.</summary>
    public const string Supported = "linear, relu, sigmoid, tanh, softmax";

    public static string KerasName(Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>The activation Keras calls <paramref name="name"/>, or null for one this tool does not run.</summary>
    public static Activation? FromKerasName(string name) => name switch
    {
        "linear" => Activation.Linear,
        "relu" => Activation.Relu,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "softmax" => Activation.Softmax,
        _ => null,
    };

    /// <summary>
    /// The activation on <paramref name="x"/> in the network's layout. The model's final softmax (<paramref name="isOutput"/>)
    /// is left to the loss and to the probabilities; any other is computed in float32.
    /// </summary>
    // Not relu_: measured with bench, TorchSharp's in-place ReLU in training made resident memory grow by about 1 MB a step.
    public static Tensor Apply(Tensor x, Activation activation, bool isOutput) => activation switch
    {
        Activation.Relu => nn.functional.relu(x),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Tanh => x.tanh(),
        Activation.Softmax when !isOutput => nn.functional.softmax(x.to_type(ScalarType.Float32), TensorLayout.ChannelAxis(x)).to_type(x.dtype),
        Activation.Softmax or Activation.Linear => x,
        _ => throw new InvalidOperationException($"no arithmetic for activation {activation}"),
    };

    /// <summary>The ONNX operator of the activation, or null where it is the identity (linear, and the model's final softmax).</summary>
    public static string? OnnxOperator(Activation activation, bool isOutput) => activation switch
    {
        Activation.Relu => "Relu",
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Softmax when !isOutput => "Softmax",
        Activation.Softmax or Activation.Linear => null,
        _ => throw new InvalidOperationException($"no ONNX operator for activation {activation}"),
    };
}
