using System.Diagnostics;
using FashionCnn.Checkpoints;
using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Model;
using FashionCnn.Onnx;

namespace FashionCnn.Training;

/// <summary>What runs a model for inference: TorchSharp (libtorch), or ONNX Runtime on an exported ONNX file.</summary>
public enum InferenceEngine { TorchSharp, OnnxRuntime }

public static class InferenceEngines
{
    public static readonly Spelling<InferenceEngine> Spelling = new("--engine", ("torchsharp", InferenceEngine.TorchSharp), ("onnxruntime", InferenceEngine.OnnxRuntime));
}

/// <summary>
/// Inference throughput of one model in both engines, through the path <c>evaluate</c> takes (<see cref="Evaluation"/>
/// on the 12,000 validation images): medians over alternating rounds, so both share the machine's noise alike.
/// </summary>
public sealed record EngineComparison(
    double TorchSharpSamplesPerSecond, double OnnxRuntimeSamplesPerSecond, double ExportMilliseconds, long OnnxBytes, int Rounds)
{
    public double OnnxRuntimeSpeedup => OnnxRuntimeSamplesPerSecond / TorchSharpSamplesPerSecond;

    /// <summary>Exports the trained net to ONNX in memory and times evaluation through both engines with the same threads and batch size.</summary>
    public static EngineComparison Measure(SequentialNet net, LabeledImages images, IReadOnlyList<string> classNames, ComputeDevice device, BenchmarkOptions options)
    {
        var model = new LoadedModel(net, classNames, new Dictionary<string, string>(), "bench");
        var clock = Stopwatch.StartNew();
        byte[] onnx = OnnxExport.ToBytes(model, source: null);
        double exportMilliseconds = clock.Elapsed.TotalMilliseconds;
        using var torchSharp = TorchSharpClassifier.Borrowing(net, model.ClassNames, device.Device);
        using var onnxRuntime = OnnxRuntimeClassifier.FromBytes(onnx, "bench.onnx", options.Compute.Threads);
        double SamplesPerSecond(IClassifier classifier)
        {
            var watch = Stopwatch.StartNew();
            Evaluation.Run(classifier, images, options.EvalBatchSize);
            return images.Count / watch.Elapsed.TotalSeconds;
        }
        SamplesPerSecond(torchSharp);
        SamplesPerSecond(onnxRuntime);
        var rounds = Enumerable.Range(0, options.EngineRounds).Select(_ => (SamplesPerSecond(torchSharp), SamplesPerSecond(onnxRuntime))).ToList();
        return new EngineComparison(Benchmark.Median(rounds.Select(r => r.Item1)), Benchmark.Median(rounds.Select(r => r.Item2)), exportMilliseconds, onnx.Length, rounds.Count);
    }
}
