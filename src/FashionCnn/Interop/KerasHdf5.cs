using PureHDF;

namespace FashionCnn.Interop;

/// <summary>
/// Reading the pieces of Keras' HDF5 files with PureHDF, defensively: attributes that are string lists in one
/// Keras version and empty float64 arrays in another, lists split over several attributes, datasets whose
/// declared size is checked before anything is allocated.
/// </summary>
internal static class KerasHdf5
{
    // Far above any layer this tool runs (the book's largest kernel has 313,600 numbers); a dataset that claims
    // more has a forged size, and is refused before anything is allocated for it.
    public const ulong MaxWeightElements = 64UL * 1024 * 1024;

    /// <summary>
    /// A list of strings stored as an attribute: Keras writes <c>layer_names</c> and <c>weight_names</c> as
    /// variable- or fixed-length strings, an empty list as an empty float64 array, and a list too large for one
    /// attribute as <c>name0</c>, <c>name1</c>, … (legacy_h5_format.save_attributes_to_hdf5_group). Null when absent.
    /// </summary>
    public static string[]? Strings(IH5Object owner, string name)
    {
        if (owner.AttributeExists(name)) return Read(owner.Attribute(name));
        if (!owner.AttributeExists(name + "0")) return null;
        var parts = new List<string>();
        for (int i = 0; owner.AttributeExists($"{name}{i}"); i++) parts.AddRange(Read(owner.Attribute($"{name}{i}")));
        return [.. parts];
    }

    private static string[] Read(IH5Attribute attribute)
    {
        if (attribute.Space.Dimensions.Aggregate(1UL, (p, d) => p * d) == 0) return [];
        return attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? attribute.Read<string[]>()
            : throw new InvalidDataException($"attribute {attribute.Name} is not a list of strings");
    }

    /// <summary>A scalar string attribute (model_config, keras_version), or null when absent.</summary>
    public static string? String(IH5Object owner, string name)
    {
        if (!owner.AttributeExists(name)) return null;
        var attribute = owner.Attribute(name);
        return attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? attribute.Read<string>()
            : throw new InvalidDataException($"attribute {name} is not a string");
    }

    /// <summary>A float32 or float64 dataset as float32 values with its shape.</summary>
    public static KerasArray Array(IH5Dataset dataset, string what)
    {
        ulong[] dims = dataset.Space.Dimensions;
        ulong count = 1;
        foreach (ulong d in dims)
        {
            if (d != 0 && count > MaxWeightElements / d)
                throw new FashionCnnException($"{what} declares an impossible size.");
            count *= d;
        }
        long[] shape = dims.Select(d => (long)d).ToArray();
        if (dataset.Type.Class == H5DataTypeClass.FloatingPoint && dataset.Type.Size == 4)
            return new KerasArray(shape, dataset.Read<float[]>());
        if (dataset.Type.Class == H5DataTypeClass.FloatingPoint && dataset.Type.Size == 8)
            return new KerasArray(shape, dataset.Read<double[]>().Select(v => (float)v).ToArray());
        throw new FashionCnnException($"{what} is not float32 or float64.");
    }

    /// <summary>The group at <paramref name="path"/> below <paramref name="root"/>, or null (a missing link is not an error here).</summary>
    public static IH5Group? GroupOrNull(IH5Group root, string path) =>
        root.LinkExists(path) && root.Get(path) is IH5Group group ? group : null;
}
