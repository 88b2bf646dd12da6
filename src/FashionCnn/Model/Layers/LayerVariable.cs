namespace FashionCnn.Model.Layers;

/// <summary>How Keras starts a variable: <c>glorot_uniform</c> kernels, <c>zeros</c> and <c>ones</c> elsewhere.</summary>
public enum Initializer { GlorotUniform, Zeros, Ones }

/// <summary>
/// One variable of a layer, as Keras keeps it and as this tool's network holds it: Keras' name (<c>kernel</c>,
/// <c>moving_mean</c>) and PyTorch's (<c>weight</c>, <c>running_mean</c>), the shape in Keras' layout, the Keras axes in
/// PyTorch's order (a Conv2D kernel (kh, kw, in, out) is PyTorch's (out, in, kh, kw): axes 3, 2, 0, 1), how Keras
/// initialises it (glorot_uniform from the fans), and whether training updates it.
/// </summary>
public sealed record LayerVariable(
    string KerasName, string TorchName, long[] KerasShape, int[] TorchAxes, Initializer Initializer,
    long FanIn = 0, long FanOut = 0, bool Trainable = true)
{
    /// <summary>A vector of <paramref name="size"/> values, one per unit or channel, the same in both layouts.</summary>
    public static LayerVariable Vector(string kerasName, string torchName, long size, Initializer initializer, bool trainable = true) =>
        new(kerasName, torchName, [size], [0], initializer, Trainable: trainable);

    public long Count => KerasShape.Aggregate(1L, (product, d) => product * d);

    /// <summary>Whether PyTorch's layout differs from Keras' (kernels), so a file's values are permuted on the way.</summary>
    public bool Permuted => TorchAxes.Select((axis, i) => axis != i).Any(moved => moved);

    /// <summary>The shape in PyTorch's layout.</summary>
    public long[] TorchShape => TorchAxes.Select(axis => KerasShape[axis]).ToArray();
}
