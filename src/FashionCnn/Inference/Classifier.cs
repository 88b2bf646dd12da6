using FashionCnn.Compute;
using FashionCnn.Files;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Onnx;

namespace FashionCnn.Inference;

/// <summary>How a verb wants its model run.</summary>
public sealed record ClassifierOptions
{
    /// <summary>The architecture of a weights-only model file (see <see cref="ModelFile.Architecture"/>).</summary>
    public string? Architecture { get; init; }

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();

    /// <summary>Images per forward pass, checked against the memory a TorchSharp network's batch needs.</summary>
    public int BatchSize { get; init; } = Evaluation.DefaultBatchSize;
}

/// <summary>Opens any model file the tool reads as an <see cref="IClassifier"/>: ONNX files in ONNX Runtime, everything else as a TorchSharp network.</summary>
public static class Classifier
{
    public static IClassifier Open(string path, ClassifierOptions options)
    {
        if (!ModelFile.IsOnnx(path, "--model"))
        {
            var device = ComputeDevice.Prepare(options.Compute);
            var loaded = ModelFile.LoadClassifier(path, options.Architecture, device.Device);
            loaded.Net.Precision = options.Compute.Precision;
            var classifier = new TorchSharpClassifier(loaded, device.Device);
            try { BatchMemory.RequireInference(loaded.Net.Spec, options.BatchSize, "--batch-size"); }
            catch
            {
                classifier.Dispose();
                throw;
            }
            return classifier;
        }
        string name = Path.GetFileName(path);
        var compute = options.Compute.Require();
        if (compute.Precision != Model.Precision.Float32)
            throw new FashionCnnException($"--precision {compute.Precision.Name()}: {name} is an ONNX model, which ONNX Runtime runs in float32; leave out --precision.");
        if (options.Architecture is not null)
            throw new FashionCnnException($"{name} is an ONNX model, which holds its own architecture; --architecture is only for weights-only files.");
        if (compute.Device == DeviceChoice.Cuda)
            throw new FashionCnnException($"--device cuda: {name} is an ONNX model, which this tool runs with ONNX Runtime's CPU build; use --device cpu or auto.");
        InputFiles.Require(path, "--model");
        var onnx = OnnxRuntimeClassifier.Open(path, compute.Threads);
        try
        {
            // This tool's export records its model: the same estimate as the checkpoint's, before anything runs.
            if (onnx.Architecture is { } spec) BatchMemory.RequireInference(spec, options.BatchSize, "--batch-size");
            return onnx;
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }
}
