using System.CommandLine;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn bench</c>: how fast training and evaluation run here, on the real data and code.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchmarkOptions();
        var steps = new Option<int>("--steps") { Description = "Timed training steps (after a warm-up of 20).", DefaultValueFactory = _ => defaults.Steps }.AtLeast(1);
        var architecture = CommonOptions.Architecture("The model to time: a bundled architecture, a Keras JSON config or a model file (default: the book's CNN).");
        var batchSize = CommonOptions.BatchSize(defaults.BatchSize, Training.TrainingOptions.MaxBatchSize, "Images per training step.");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var evalBatchSize = new Option<int>("--eval-batch-size") { Description = "Images per forward pass when evaluating.", DefaultValueFactory = _ => defaults.EvalBatchSize }
            .Between(1, Training.Evaluation.MaxBatchSize);
        var engine = CommonOptions.Choice("--engine",
            "torchsharp: time TorchSharp only; onnxruntime: also export the model to ONNX and time its inference in ONNX Runtime beside TorchSharp's.",
            "torchsharp", "torchsharp", "onnxruntime");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("bench", "Measure training throughput, evaluation throughput, time to the first step and peak memory, with the real training code.")
        {
            architecture, steps, batchSize, evalBatchSize, threads, device, engine, json, dataDir,
        };
        command.SetAction(parsed =>
        {
            var r = Benchmark.Run(new BenchmarkOptions
            {
                Architecture = parsed.GetValue(architecture),
                Steps = parsed.GetValue(steps),
                BatchSize = parsed.GetValue(batchSize),
                EvalBatchSize = parsed.GetValue(evalBatchSize),
                Threads = parsed.GetValue(threads),
                Device = parsed.GetValue(device)!,
                DataDir = parsed.GetValue(dataDir),
                Engine = parsed.GetValue(engine) == "onnxruntime" ? InferenceEngine.OnnxRuntime : InferenceEngine.TorchSharp,
            });
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonFormat.Serialize(new
                {
                    train_samples_per_s = Math.Round(r.TrainSamplesPerSecond, 1),
                    ms_per_step = Math.Round(r.MillisecondsPerStep, 2),
                    eval_samples_per_s = Math.Round(r.EvalSamplesPerSecond, 1),
                    first_step_ms = Math.Round(r.FirstStepMilliseconds, 0),
                    peak_rss_mb = Math.Round(r.PeakResidentMegabytes, 1),
                    device = r.Device,
                    threads = r.Threads,
                    batch_size = r.BatchSize,
                    steps = r.Steps,
                    engines = r.Engines is not { } e ? null : new
                    {
                        torchsharp_eval_samples_per_s = Math.Round(e.TorchSharpSamplesPerSecond, 1),
                        onnxruntime_eval_samples_per_s = Math.Round(e.OnnxRuntimeSamplesPerSecond, 1),
                        onnxruntime_speedup = Math.Round(e.OnnxRuntimeSpeedup, 3),
                        onnx_export_ms = Math.Round(e.ExportMilliseconds, 1),
                        onnx_bytes = e.OnnxBytes,
                        rounds = e.Rounds,
                    },
                }));
                return ExitCodes.Success;
            }
            Console.WriteLine($"device          {r.Device}, {r.Threads} thread(s), batch {r.BatchSize}, {r.Steps} timed steps");
            Console.WriteLine($"training        {r.TrainSamplesPerSecond,8:F0} samples/s   {r.MillisecondsPerStep,7:F2} ms/step");
            Console.WriteLine($"evaluation      {r.EvalSamplesPerSecond,8:F0} samples/s   (12,000 validation images)");
            Console.WriteLine($"first step      {r.FirstStepMilliseconds,8:F0} ms after process start");
            Console.WriteLine($"peak memory     {r.PeakResidentMegabytes,8:F0} MB resident");
            if (r.Engines is { } engines)
            {
                Console.WriteLine($"inference, the path of evaluate (median of {engines.Rounds} alternating rounds of 12,000 images):");
                Console.WriteLine($"  torchsharp    {engines.TorchSharpSamplesPerSecond,8:F0} samples/s");
                Console.WriteLine($"  onnxruntime   {engines.OnnxRuntimeSamplesPerSecond,8:F0} samples/s   {engines.OnnxRuntimeSpeedup:F2}× TorchSharp's");
                Console.WriteLine($"  onnx export   {engines.ExportMilliseconds,8:F0} ms, {engines.OnnxBytes / 1024.0:F0} kB");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
