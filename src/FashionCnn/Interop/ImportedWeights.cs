using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Interop;

/// <summary>
/// Layout conversions between Keras and this tool's PyTorch layouts. Keras stores a Conv2D kernel as
/// (kh, kw, in, out) and a Dense kernel as (in, out); PyTorch as (out, in, kh, kw) and (out, in).
/// Flatten order: this tool flattens channels-last (H, W, C) as Keras does, so Keras kernels need no
/// reordering; a PyTorch network flattens (C, H, W), so the Dense right after a Flatten of an image has its
/// input columns permuted when weights cross to or from plain PyTorch files.
/// </summary>
public static class ImportedWeights
{
    /// <summary>Converts the Dense-after-Flatten weight from this tool's (H, W, C) column order to PyTorch's (C, H, W).</summary>
    public static IReadOnlyList<NamedTensor> ToChannelsFirstFlatten(ModelSpec spec, IReadOnlyList<NamedTensor> weights) =>
        ReorderFlattenedDense(spec, weights, toChannelsFirst: true, "model");

    /// <summary>Converts the Dense-after-Flatten weight from PyTorch's (C, H, W) column order to this tool's (H, W, C).</summary>
    public static IReadOnlyList<NamedTensor> ToChannelsLastFlatten(ModelSpec spec, IReadOnlyList<NamedTensor> weights, string source) =>
        ReorderFlattenedDense(spec, weights, toChannelsFirst: false, source);

    private static IReadOnlyList<NamedTensor> ReorderFlattenedDense(ModelSpec spec, IReadOnlyList<NamedTensor> weights, bool toChannelsFirst, string source)
    {
        var shapes = spec.Shapes();
        var result = weights.ToList();
        for (int i = 1; i < shapes.Count; i++)
        {
            if (shapes[i].Layer is not Dense dense) continue;
            // The Dense that consumes a Flatten of an image, possibly through Dropout, Rescaling or BatchNormalization
            // of the flat vector. Every per-feature weight on the way is in flatten order too: a BatchNormalization
            // there has its four vectors reordered like the Dense's columns.
            int j = i - 1;
            while (j >= 0 && shapes[j].Layer is Dropout or BatchNormalization or Rescaling) j--;
            if (j < 0 || shapes[j].Layer is not Flatten || shapes[j].Input.Rank != 3) continue;
            var (h, w, c) = (shapes[j].Input[0], shapes[j].Input[1], shapes[j].Input[2]);
            for (int k = j + 1; k < i; k++)
                foreach (var vector in shapes[k].Layer.Variables(shapes[k].Input))
                    Reorder(result, $"{shapes[k].Layer.ModuleName}.{vector.TorchName}", [(long)h * w * c], h, w, c, toChannelsFirst, source);
            foreach (var variable in dense.Variables(shapes[i].Input).Where(v => v.Permuted))
                Reorder(result, $"{dense.ModuleName}.{variable.TorchName}", variable.TorchShape, h, w, c, toChannelsFirst, source);
        }
        return result;
    }

    /// <summary>
    /// Reorders the flattened-image axis (the last) of one tensor between (H, W, C) and (C, H, W) order. A tensor
    /// of another shape than <paramref name="expected"/> is an error naming it, both shapes and the file.
    /// </summary>
    private static void Reorder(List<NamedTensor> weights, string name, long[] expected, int h, int w, int c, bool toChannelsFirst, string source)
    {
        int index = weights.FindIndex(t => t.Name == name);
        if (index < 0) return;
        var weight = weights[index];
        if (!weight.Shape.SequenceEqual(expected))
            throw new FashionCnnException(
                $"{source}: tensor {name} has shape ({string.Join(", ", weight.Shape)}), the model needs ({string.Join(", ", expected)}).");
        long outputs = expected.Length == 2 ? expected[0] : 1;
        using var scope = NewDisposeScope();
        var t = tensor(weight.Values, weight.Shape);
        var reordered = toChannelsFirst
            ? t.view(outputs, h, w, c).permute(0, 3, 1, 2).reshape(weight.Shape)
            : t.view(outputs, c, h, w).permute(0, 2, 3, 1).reshape(weight.Shape);
        weights[index] = weight with { Values = reordered.contiguous().data<float>().ToArray() };
    }

    /// <summary>A Keras array in PyTorch's layout: its axes in <paramref name="order"/> (see <see cref="LayerVariable.TorchAxes"/>).</summary>
    public static NamedTensor Permute(string name, long[] shape, float[] values, int[] order)
    {
        using var scope = NewDisposeScope();
        var permuted = tensor(values, shape).permute(order.Select(axis => (long)axis).ToArray()).contiguous();
        return new NamedTensor(name, permuted.shape, permuted.data<float>().ToArray());
    }
}
