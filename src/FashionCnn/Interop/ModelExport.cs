using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Onnx;

namespace FashionCnn.Interop;

/// <summary>Which file <see cref="ModelExport"/> writes.</summary>
public enum ExportFormat { Pt, SafeTensors, Onnx }

public static class ExportFormats
{
    public static readonly Spelling<ExportFormat> Spelling = new("--format", ("pt", ExportFormat.Pt), ("safetensors", ExportFormat.SafeTensors), ("onnx", ExportFormat.Onnx));
}

/// <summary>
/// Writes a model as a plain PyTorch state_dict, loadable in Python by <c>torch.load</c> + <c>load_state_dict</c>
/// (.pt) or <c>safetensors.torch.load_file</c> (.safetensors) into a network that flattens with
/// <c>torch.flatten(x, 1)</c>: keys <c>conv2d.weight</c>, <c>conv2d.bias</c>, …, <c>dense_1.bias</c>; PyTorch layouts;
/// the Dense after Flatten with its input columns in PyTorch's (C, H, W) order. Or as an ONNX file for ONNX Runtime
/// (<see cref="OnnxExport"/>).
/// </summary>
/// <summary>What <c>fashioncnn export</c> wrote: the model read, the format it was read as, and the file written.</summary>
public sealed record ExportResult(string Source, string SourceFormat, string Output);

public static class ModelExport
{
    /// <summary>
    /// <c>fashioncnn export</c>: the model at <paramref name="modelPath"/> (with <paramref name="architecture"/> for a
    /// weights-only file) written as <paramref name="format"/> to <paramref name="output"/>, which is checked against the
    /// inputs before anything is read.
    /// </summary>
    public static ExportResult Export(string modelPath, string? architecture, ExportFormat format, string output)
    {
        string file = new CommandFiles().Input("--model", modelPath).Input("--architecture", architecture).OutputFile("--output", output);
        var loaded = ModelFile.Load(modelPath, "--model", architecture);
        using var net = loaded.Net;
        Write(loaded, format, file, modelPath);
        return new ExportResult(modelPath, loaded.Format, file);
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="output"/>; an ONNX file's metadata names <paramref name="sourcePath"/>, the file the model was read from.</summary>
    public static void Write(LoadedModel model, ExportFormat format, string output, string? sourcePath = null)
    {
        if (format == ExportFormat.Onnx)
        {
            OnnxExport.Write(model, output, sourcePath);
            return;
        }
        var weights = ImportedWeights.ToChannelsFirstFlatten(model.Net.Spec, Checkpoint.Weights(model.Net));
        if (format == ExportFormat.Pt)
        {
            AtomicFile.Write(output, stream => PyTorchStateDict.Write(stream, weights));
            return;
        }
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.FormatKey] = ModelFile.PyTorchFormat,
            [ModelFile.FlattenOrderKey] = "chw",
            [Checkpoint.ModelConfigKey] = KerasModelConfig.ToJson(model.Net.Spec),
            [Checkpoint.ClassNamesKey] = JsonSerializer.Serialize(model.ClassNames),
        };
        AtomicFile.Write(output, stream => SafeTensors.Write(stream, weights, metadata));
    }
}
