using FashionCnn.Checkpoints;
using FashionCnn.Model;

namespace FashionCnn.Interop;

/// <summary>One Keras variable as a file stores it: shape (Keras layout) and values.</summary>
public sealed record KerasArray(long[] Shape, float[] Values);

/// <summary>
/// The variables Keras keeps per layer, in Keras' order, and their conversion to this tool's names and layouts.
/// Keras stores a Conv2D kernel as (kh, kw, in, out) and a Dense kernel as (in, out); PyTorch as (out, in, kh, kw)
/// and (out, in). BatchNormalization keeps gamma, beta, moving_mean, moving_variance.
/// </summary>
public static class KerasVariables
{
    /// <summary>Keras' variable names for <paramref name="layer"/>, in the order Keras creates (and numbers) them.</summary>
    public static IReadOnlyList<string> Names(Layer layer) => layer switch
    {
        Conv2D or Dense => ["kernel", "bias"],
        BatchNormalization => ["gamma", "beta", "moving_mean", "moving_variance"],
        _ => [],
    };

    /// <summary>The shape each variable has in Keras for <paramref name="layer"/> on <paramref name="input"/>.</summary>
    public static IReadOnlyList<long[]> Shapes(Layer layer, TensorShape input) => layer switch
    {
        Conv2D conv => [[conv.KernelSize, conv.KernelSize, input[2], conv.Filters], [conv.Filters]],
        Dense dense => [[input[0], dense.Units], [dense.Units]],
        BatchNormalization => Enumerable.Repeat(new long[] { input[input.Rank - 1] }, 4).ToList(),
        _ => [],
    };

    /// <summary>
    /// Checks one layer's arrays against the shapes the model needs and converts them to this tool's tensors.
    /// <paramref name="where"/> says where in the file they were found, for the error messages.
    /// </summary>
    public static IEnumerable<NamedTensor> Convert(Layer layer, TensorShape input, IReadOnlyList<KerasArray> arrays, string file, string where)
    {
        var names = Names(layer);
        var shapes = Shapes(layer, input);
        if (arrays.Count != names.Count)
            throw new FashionCnnException(
                $"{file}: layer {layer.Name} ({layer.KerasClass}) needs {names.Count} weights ({string.Join(", ", names)}); {where} holds {arrays.Count}.");
        for (int i = 0; i < names.Count; i++)
        {
            if (!arrays[i].Shape.SequenceEqual(shapes[i]))
                throw new FashionCnnException(
                    $"{file}: layer {layer.Name} ({layer.KerasClass}) needs a {names[i]} of shape {Format(shapes[i])}; {where} has {Format(arrays[i].Shape)}.");
            yield return ToTorch(layer, names[i], arrays[i]);
        }
    }

    public static string Format(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    private static NamedTensor ToTorch(Layer layer, string variable, KerasArray array) => (layer, variable) switch
    {
        (Conv2D, "kernel") => ImportedWeights.ConvKernelFromKeras($"{layer.ModuleName}.weight", array.Shape, array.Values),
        (Dense, "kernel") => ImportedWeights.DenseKernelFromKeras($"{layer.ModuleName}.weight", array.Shape, array.Values),
        (_, "bias" or "beta") => new NamedTensor($"{layer.ModuleName}.bias", array.Shape, array.Values),
        (_, "gamma") => new NamedTensor($"{layer.ModuleName}.weight", array.Shape, array.Values),
        (_, "moving_mean") => new NamedTensor($"{layer.ModuleName}.running_mean", array.Shape, array.Values),
        (_, "moving_variance") => new NamedTensor($"{layer.ModuleName}.running_var", array.Shape, array.Values),
        _ => throw new InvalidOperationException($"no mapping for {variable}"),
    };
}
