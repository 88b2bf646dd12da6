using System.Security.Cryptography;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Onnx.Protobuf;
using Google.Protobuf;

namespace FashionCnn.Onnx;

/// <summary>The file a model was exported from, as the ONNX file's metadata records it.</summary>
public sealed record OnnxSource(string FileName, string Sha256)
{
    public static OnnxSource Of(string path)
    {
        using var stream = InputFiles.OpenRead(path, "--model");
        return new OnnxSource(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

/// <summary>
/// Writes a model as an ONNX file for ONNX Runtime (and so for any .NET application): one input
/// <c>input</c>, float32 in the Keras model's input shape with a dynamic batch, pixels scaled as the model
/// expects; one output <c>probabilities</c> (N, classes); opset <see cref="OnnxFormat.Opset"/>; the weights as
/// initializers; and in metadata_props the class names, the input scaling, the source file and its SHA-256,
/// and this tool's version.
/// </summary>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="output"/> atomically; <paramref name="sourcePath"/> is the file it was read from.</summary>
    public static void Write(LoadedModel model, string output, string? sourcePath)
    {
        byte[] bytes = ToBytes(model, sourcePath is null ? null : OnnxSource.Of(sourcePath));
        AtomicFile.WriteAllBytes(output, bytes);
    }

    /// <summary>The serialized ModelProto of <paramref name="model"/>.</summary>
    public static byte[] ToBytes(LoadedModel model, OnnxSource? source) =>
        Build(model.Net.Spec, Checkpoint.Weights(model.Net), model.ClassNames, source).ToByteArray();

    internal static ModelProto Build(ModelSpec spec, IReadOnlyList<NamedTensor> weights, IReadOnlyList<string> classNames, OnnxSource? source)
    {
        var model = new ModelProto
        {
            IrVersion = OnnxFormat.IrVersion,
            ProducerName = OnnxFormat.ProducerName,
            ProducerVersion = Checkpoint.ToolVersion,
            Graph = SequentialToOnnx.Translate(spec, weights, source?.FileName ?? "model"),
            DocString = Description(spec),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxFormat.Opset });
        foreach (var (key, value) in Metadata(spec, classNames, source))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static IEnumerable<(string Key, string Value)> Metadata(ModelSpec spec, IReadOnlyList<string> classNames, OnnxSource? source)
    {
        // Names that do not match the outputs (a model of other classes read without names) would mislabel every answer.
        if (classNames.Count == spec.OutputUnits) yield return (OnnxFormat.ClassNamesKey, JsonSerializer.Serialize(classNames));
        yield return (OnnxFormat.InputScalingKey, spec.TakesRawPixels ? OnnxFormat.RawPixels : OnnxFormat.ScaledPixels);
        if (source is not null)
        {
            yield return (OnnxFormat.SourceFileKey, source.FileName);
            yield return (OnnxFormat.SourceSha256Key, source.Sha256);
        }
        yield return (OnnxFormat.VersionKey, Checkpoint.ToolVersion);
        // The Keras model the graph computes: what a batch of it needs is then counted as for the checkpoint, before a run.
        yield return (OnnxFormat.ModelConfigKey, KerasModelConfig.ToJson(spec));
        if (spec.Augmentations.Any())
            yield return (OnnxFormat.AugmentationKey, AugmentationNote(spec));
    }

    /// <summary>The augmentation layers the graph leaves out: they act in training only, so inference is the same without them.</summary>
    private static string AugmentationNote(ModelSpec spec) =>
        string.Join(", ", spec.Augmentations.Select(a => $"{a.Name} ({a.KerasClass})")) + ": training-only augmentation, the identity at inference";

    private static string Description(ModelSpec spec)
    {
        string shape = $"(N, {string.Join(", ", spec.InputShape.Dimensions)})";
        string pixels = spec.TakesRawPixels ? "raw pixels 0-255 (the model rescales them)" : "pixels / 255 (0-1)";
        return $"Keras Sequential model exported by fashioncnn {Checkpoint.ToolVersion}. Input '{OnnxFormat.InputName}': float32 {shape}, "
               + $"{pixels}, 0 = background. Output '{OnnxFormat.OutputName}': (N, {spec.OutputUnits}) class probabilities."
               + (spec.Augmentations.Any() ? $" Left out (training-only augmentation): {AugmentationNote(spec).Split(':')[0]}." : "");
    }
}
