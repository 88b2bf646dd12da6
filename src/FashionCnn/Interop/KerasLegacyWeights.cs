using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using PureHDF;

namespace FashionCnn.Interop;

/// <summary>
/// Keras' legacy HDF5 weights: the <c>model_weights</c> group of a <c>model.save('x.h5')</c> file, or the root of a
/// <c>save_weights('x.h5')</c> file. Read as Keras' own <c>load_weights_from_hdf5_group</c> does
/// (keras/src/legacy/saving/legacy_h5_format.py): the group's <c>layer_names</c> attribute lists the layers in
/// order, those whose <c>weight_names</c> list is empty are dropped, and the rest are matched to the model's
/// layers that have weights <b>by position</b>; each layer's arrays are read in <c>weight_names</c> order, a path
/// relative to the layer's group that differs between versions (<c>dense/kernel:0</c> in Keras 2,
/// <c>kernel</c> in Keras 3.1, <c>sequential/dense/kernel</c> in 3.4 and later). Shapes are checked.
/// </summary>
internal static class KerasLegacyWeights
{
    /// <summary>Whether <paramref name="group"/> is a legacy weights group (it lists its layers).</summary>
    public static bool IsWeightsGroup(IH5Group group) => group.AttributeExists("layer_names") || group.AttributeExists("layer_names0");

    public static List<NamedTensor> Read(IH5Group group, ModelSpec spec, string file)
    {
        string[] layerNames = KerasHdf5.Strings(group, "layer_names") ?? [];
        var stored = new List<(string Layer, string[] Weights)>();
        foreach (string name in layerNames)
        {
            var layerGroup = KerasHdf5.GroupOrNull(group, name)
                ?? throw new FashionCnnException($"{file}: layer_names lists {name}, but the file has no group for it.");
            string[] weights = KerasHdf5.Strings(layerGroup, "weight_names") ?? [];
            if (weights.Length > 0) stored.Add((name, weights));
        }

        var weighted = spec.Shapes().Where(row => row.Layer.HasWeights(row.Input)).ToList();
        if (stored.Count != weighted.Count)
            throw new FashionCnnException(
                $"{file}: the file holds weights for {stored.Count} layer(s) ({string.Join(", ", stored.Select(s => s.Layer))}); "
                + $"the model has {weighted.Count} layer(s) with weights ({string.Join(", ", weighted.Select(w => w.Layer.Name))}).");

        var tensors = new List<NamedTensor>();
        for (int i = 0; i < stored.Count; i++)
        {
            var (layer, input, _) = weighted[i];
            var (name, weightNames) = stored[i];
            var layerGroup = group.Group(name);
            var arrays = weightNames.Select(weight =>
            {
                if (!layerGroup.LinkExists(weight) || layerGroup.Get(weight) is not IH5Dataset dataset)
                    throw new FashionCnnException($"{file}: weight {name}/{weight} is listed but missing.");
                return KerasHdf5.Array(dataset, $"{file}: weight {name}/{weight}");
            }).ToList();
            tensors.AddRange(KerasVariables.Convert(layer, input, arrays, file, $"the file's layer {name}"));
        }
        return tensors;
    }
}
