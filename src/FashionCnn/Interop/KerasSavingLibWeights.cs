using System.Text.RegularExpressions;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using PureHDF;

namespace FashionCnn.Interop;

/// <summary>
/// The weights file of Keras' saving_lib: <c>model.weights.h5</c> inside a <c>.keras</c> zip, or a
/// <c>.weights.h5</c> written by <c>save_weights</c>. Keras does not address a layer by its <c>name</c> (names are
/// generated per session, <c>dense_14</c>), but by the attribute path its saver walks, in which each layer is
/// named after its class in snake case with a per-class counter, in model order (saving_lib's
/// <c>_save_container_state</c>). This reader derives the same paths for the version that wrote the file:
/// <list type="bullet">
/// <item>Keras 3 and 2.15: <c>layers/dense/vars/0</c>, <c>layers/dense_1/vars/0</c>, …</item>
/// <item>Keras 2.14: <c>_layer_checkpoint_dependencies/dense/vars/0</c>, <c>…/dense_1/…</c> (nested groups; a file
/// saved on Windows has one group named <c>_layer_checkpoint_dependencies\dense</c> instead).</item>
/// <item>Keras 2.13: the same prefix, but its <c>_layer_checkpoint_dependencies</c> lists each layer that has
/// weights twice (as <c>layer_with_weights-k</c> and <c>layer-i</c>) and the counter advances for both, so the
/// k-th Dense is <c>dense_{2k}</c>: <c>dense</c>, <c>dense_2</c>, <c>dense_4</c>.</item>
/// </list>
/// Variables are <c>vars/0</c>, <c>vars/1</c>, … in the order Keras creates them (kernel, bias; gamma, beta,
/// moving_mean, moving_variance). A layer whose path is missing is an error naming it.
/// </summary>
internal static class KerasSavingLibWeights
{
    private const string Keras3Prefix = "layers", Keras2Prefix = "_layer_checkpoint_dependencies";

    /// <summary>The layout of a saving_lib weights file, by the version that wrote it.</summary>
    private enum Layout { Keras3, Keras214, Keras213 }

    /// <summary>Whether <paramref name="file"/> is a saving_lib weights file (its top level holds the layer container).</summary>
    public static bool IsWeightsFile(IH5Group file) =>
        file.LinkExists(Keras3Prefix) || file.LinkExists(Keras2Prefix)
        || file.Children().Any(c => c.Name.StartsWith(Keras2Prefix + "\\", StringComparison.Ordinal));

    /// <param name="kerasVersion">From the .keras file's metadata.json; null for a bare .weights.h5.</param>
    public static List<NamedTensor> Read(IH5Group file, ModelSpec spec, string? kerasVersion, string source)
    {
        var layout = ChooseLayout(file, spec, kerasVersion);
        var tensors = new List<NamedTensor>();
        foreach (var (row, path) in Paths(spec, layout))
        {
            var vars = Group(file, path + "/vars");
            if (vars is null)
                throw new FashionCnnException(
                    $"{source}: layer {row.Layer.Name} ({row.Layer.KerasClass}) found no weights: {DisplayPath(path)} is not in the file ({Describe(layout, kerasVersion)}).");
            int count = row.Layer.Variables(row.Input).Count;
            var arrays = new List<KerasArray>();
            for (int i = 0; i < count; i++)
            {
                string name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!vars.LinkExists(name) || vars.Get(name) is not IH5Dataset dataset)
                    throw new FashionCnnException($"{source}: layer {row.Layer.Name} ({row.Layer.KerasClass}) lacks {DisplayPath(path)}/vars/{i}.");
                arrays.Add(KerasHdf5.Array(dataset, $"{source}: {DisplayPath(path)}/vars/{i}"));
            }
            tensors.AddRange(KerasVariables.Convert(row.Layer, row.Input, arrays, source, DisplayPath(path)));
        }
        return tensors;
    }

    /// <summary>
    /// The version named in metadata.json decides; a bare weights file says nothing of its version, so the
    /// container decides (<c>layers</c> is Keras 3's), and between 2.14 and 2.13 the numbering that the file holds.
    /// </summary>
    private static Layout ChooseLayout(IH5Group file, ModelSpec spec, string? kerasVersion)
    {
        if (kerasVersion is not null)
        {
            var version = ParseVersion(kerasVersion);
            return version >= new Version(2, 15) ? Layout.Keras3 : version >= new Version(2, 14) ? Layout.Keras214 : Layout.Keras213;
        }
        if (file.LinkExists(Keras3Prefix)) return Layout.Keras3;
        bool AllPresent(Layout layout) => Paths(spec, layout).All(p => Group(file, p.Path) is not null);
        return AllPresent(Layout.Keras214) || !AllPresent(Layout.Keras213) ? Layout.Keras214 : Layout.Keras213;
    }

    private static Version ParseVersion(string text)
    {
        var match = Regex.Match(text, @"^(\d+)\.(\d+)");
        return match.Success ? new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : new Version(3, 0);
    }

    /// <summary>Each layer that has weights, with the path saving_lib gives it under <paramref name="layout"/>.</summary>
    private static IEnumerable<((Layer Layer, TensorShape Input, TensorShape Output) Row, string Path)> Paths(ModelSpec spec, Layout layout)
    {
        var used = new Dictionary<string, int>();
        string prefix = layout == Layout.Keras3 ? Keras3Prefix : Keras2Prefix;
        foreach (var row in spec.Shapes())
        {
            string name = SnakeCase(row.Layer.KerasClass);
            string unique = used.TryGetValue(name, out int count) ? $"{name}_{count + 1}" : name;
            used[name] = used.TryGetValue(name, out int seen) ? seen + 1 : 0;
            // Keras 2.13 meets a layer with weights a second time (as layer-i after layer_with_weights-k) and counts it again.
            if (layout == Layout.Keras213 && row.Layer.HasWeights(row.Input)) used[name]++;
            if (row.Layer.HasWeights(row.Input)) yield return (row, $"{prefix}/{unique}");
        }
    }

    /// <summary>Keras' <c>to_snake_case</c>: MaxPooling2D → max_pooling2d, BatchNormalization → batch_normalization.</summary>
    public static string SnakeCase(string className)
    {
        string name = Regex.Replace(className, @"\W+", "");
        name = Regex.Replace(name, "(.)([A-Z][a-z]+)", "$1_$2");
        return Regex.Replace(name, "([a-z])([A-Z])", "$1_$2").ToLowerInvariant();
    }

    /// <summary>The group at a path of nested groups, or (as a file saved on Windows has it) one group whose name joins the first two parts with a backslash.</summary>
    private static IH5Group? Group(IH5Group file, string path)
    {
        if (KerasHdf5.GroupOrNull(file, path) is { } nested) return nested;
        int slash = path.IndexOf('/');
        if (slash < 0) return null;
        int next = path.IndexOf('/', slash + 1);
        string joined = next < 0 ? path[..slash] + "\\" + path[(slash + 1)..] : path[..slash] + "\\" + path[(slash + 1)..next] + path[next..];
        return KerasHdf5.GroupOrNull(file, joined);
    }

    private static string DisplayPath(string path) => path;

    private static string Describe(Layout layout, string? version) => (layout, version) switch
    {
        (_, { } v) => $"written by Keras {v}",
        (Layout.Keras3, _) => "a Keras 3 weights file",
        _ => "a Keras 2.13/2.14 weights file",
    };
}
