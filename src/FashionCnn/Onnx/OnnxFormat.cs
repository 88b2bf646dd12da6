namespace FashionCnn.Onnx;

/// <summary>What every ONNX file this tool writes has in common: versions, names, and the keys of its metadata.</summary>
public static class OnnxFormat
{
    /// <summary>
    /// The lowest opset that expresses every layer: Softmax-13 normalises along one axis, where versions 1 to 12
    /// flatten everything from the axis on, which would turn a softmax over an image's channels into one over
    /// channels × height × width. Everything else the graphs use (Conv-11, MaxPool-12, AveragePool-11,
    /// BatchNormalization-9, Gemm-13, Flatten-13, Reshape-13, Transpose-13) is in opset 13 too.
    /// </summary>
    public const int Opset = 13;

    /// <summary>The IR version that goes with opset 13 (ONNX 1.8).</summary>
    public const int IrVersion = 7;

    public const string ProducerName = "fashioncnn";

    /// <summary>The one input: float32 in the Keras model's input shape, the batch first.</summary>
    public const string InputName = "input";

    /// <summary>The one output: (N, classes) probabilities.</summary>
    public const string OutputName = "probabilities";

    /// <summary>metadata_props keys.</summary>
    public const string ClassNamesKey = "class_names", InputScalingKey = "input_scaling", SourceFileKey = "source_file",
        SourceSha256Key = "source_sha256", VersionKey = "fashioncnn_version", AugmentationKey = "augmentation_left_out",
        ModelConfigKey = "model_config";

    /// <summary>Values of <see cref="InputScalingKey"/>: pixel / 255, or the raw 0–255 values of a model that starts with Rescaling.</summary>
    public const string ScaledPixels = "0-1", RawPixels = "0-255";

    /// <summary>A serialized ModelProto starts with its field 1, ir_version, as a varint: the tag byte 0x08.</summary>
    public const byte FirstByte = 0x08;

    public const string Extension = ".onnx";

    /// <summary>Whether a file looks like ONNX: its first byte as every ONNX writer starts, or else its extension.</summary>
    public static bool LooksLikeOnnx(ReadOnlySpan<byte> head, string path) =>
        head.Length > 0 && head[0] == FirstByte || path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);
}
