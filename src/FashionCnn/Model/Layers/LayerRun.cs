using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// What a layer's <see cref="Layer.Forward"/> needs besides its input: its module (null for a layer without
/// variables), its Keras input and output shapes, whether the network trains, whether it is the model's last layer
/// (whose softmax is left to the loss), the dtype policy, and the generator of training's random draws (dropout masks,
/// augmentations; libtorch's global one when null).
/// </summary>
public readonly record struct LayerRun(
    nn.Module<Tensor, Tensor>? Module, TensorShape Input, TensorShape Output, bool Training, bool IsOutput, Precision Precision, Generator? Generator)
{
    /// <summary>Whether the layers compute in bfloat16 on bfloat16 copies of the float32 weights.</summary>
    public bool Mixed => Precision == Precision.MixedBFloat16;

    public ScalarType ComputeType => Mixed ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>A parameter in the compute dtype.</summary>
    public Tensor Compute(Tensor parameter) => Mixed ? parameter.to_type(ScalarType.BFloat16) : parameter;

    public T ModuleAs<T>() where T : nn.Module<Tensor, Tensor> => (T)Module!;
}
