using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;

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
    /// <summary>
    /// Checks one layer's arrays against the variables the model needs (<see cref="Layer.Variables"/>) and converts
    /// them to this tool's tensors. <paramref name="where"/> says where in the file they were found, for the error messages.
    /// </summary>
    public static IEnumerable<NamedTensor> Convert(Layer layer, TensorShape input, IReadOnlyList<KerasArray> arrays, string file, string where)
    {
        var variables = layer.Variables(input);
        if (arrays.Count != variables.Count)
            throw new FashionCnnException(
                $"{file}: layer {layer.Name} ({layer.KerasClass}) needs {variables.Count} weights ({string.Join(", ", variables.Select(v => v.KerasName))}); {where} holds {arrays.Count}.");
        for (int i = 0; i < variables.Count; i++)
        {
            if (!arrays[i].Shape.SequenceEqual(variables[i].KerasShape))
                throw new FashionCnnException(
                    $"{file}: layer {layer.Name} ({layer.KerasClass}) needs a {variables[i].KerasName} of shape {Format(variables[i].KerasShape)}; {where} has {Format(arrays[i].Shape)}.");
            yield return ToTorch($"{layer.ModuleName}.{variables[i].TorchName}", variables[i], arrays[i]);
        }
    }

    public static string Format(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    private static NamedTensor ToTorch(string name, LayerVariable variable, KerasArray array) =>
        variable.Permuted ? ImportedWeights.Permute(name, array.Shape, array.Values, variable.TorchAxes) : new NamedTensor(name, array.Shape, array.Values);
}
