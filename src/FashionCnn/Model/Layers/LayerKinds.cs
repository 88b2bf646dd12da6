namespace FashionCnn.Model.Layers;

/// <summary>
/// The layer kinds this tool reads from Keras configs, by Keras class name: a new kind is its own file and one line here.
/// </summary>
internal static class LayerKinds
{
    /// <summary>The largest kernel, pool window or stride read: far above any model for 28×28 images; the model as a whole is bounded by ModelSpec.Checked.</summary>
    public const int MaxWindow = 1024;

    private static readonly Dictionary<string, Func<KerasConfigValues, Layer>> Readers = new()
    {
        ["Rescaling"] = Rescaling.FromKeras,
        ["Reshape"] = Reshape.FromKeras,
        ["Conv2D"] = Conv2D.FromKeras,
        ["MaxPooling2D"] = MaxPooling2D.FromKeras,
        ["AveragePooling2D"] = AveragePooling2D.FromKeras,
        ["BatchNormalization"] = BatchNormalization.FromKeras,
        ["Flatten"] = Flatten.FromKeras,
        ["Dense"] = Dense.FromKeras,
        ["Dropout"] = Dropout.FromKeras,
        ["RandomFlip"] = RandomFlip.FromKeras,
        ["RandomTranslation"] = RandomTranslation.FromKeras,
        ["RandomRotation"] = RandomRotation.FromKeras,
        ["RandomZoom"] = RandomZoom.FromKeras,
        ["RandomContrast"] = RandomContrast.FromKeras,
    };

    /// <summary>The Keras classes this tool runs, for error messages: InputLayer and every kind.</summary>
    public static string Supported => string.Join(", ", ["InputLayer", .. Readers.Keys]);

    public static IEnumerable<string> Classes => Readers.Keys;

    /// <summary>The layer a Keras config of class <paramref name="type"/> describes, or null for a class this tool does not run.</summary>
    public static Layer? Read(string type, KerasConfigValues config) => Readers.TryGetValue(type, out var read) ? read(config) : null;
}
