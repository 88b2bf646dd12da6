using System.CommandLine;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn bench</c>: how fast training and evaluation run here, on the real data and code.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchmarkOptions();
        var steps = new Option<int>("--steps") { Description = "Timed training steps (after a warm-up of 20).", DefaultValueFactory = _ => defaults.Steps };
        var architecture = CommonOptions.Architecture("The model to time: a bundled architecture, a Keras JSON config or a model file (default: the book's CNN).");
        var batchSize = CommonOptions.BatchSize(defaults.BatchSize, Training.TrainingOptions.MaxBatchSize, "Images per training step.");
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var evalBatchSize = new Option<int>("--eval-batch-size") { Description = "Images per forward pass when evaluating.", DefaultValueFactory = _ => defaults.EvalBatchSize };
        var engine = CommonOptions.Choice("--engine",
            "torchsharp: time TorchSharp only; onnxruntime: also export the model to ONNX and time its inference in ONNX Runtime beside TorchSharp's.",
            "torchsharp", [.. InferenceEngines.Spelling.Names]);
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var profile = new Option<bool>("--profile") { Description = "Also split a training step into its parts: forward and backward by layer kind, loss, optimizer, the rest." };
        var baseline = new Option<bool>("--baseline")
        {
            Description = $"Also train the same network written the way a TorchSharp user would (nn.Sequential, torch.optim.Adam, nn.CrossEntropyLoss, float32) on the same batches, "
                + $"alternating windows of {defaults.ComparisonWindow} steps with the tool's step until each has run --steps steps (at least 3 rounds), and print both rates (medians) and their ratio.",
        };
        var comparePrecision = new Option<bool>("--compare-precision")
        {
            Description = $"Also train the same network from the same weights in the other precision (float32 against mixed_bfloat16) on the same batches, "
                + $"alternating windows of {defaults.ComparisonWindow} steps until each has run --steps steps (at least 3 rounds), and print both rates (medians) and their ratio.",
        };
        var data = new DataOptionSet();
        var command = new Command("bench", "Measure training and evaluation throughput with the real code, against this machine's own matrix-product and convolution rates; time to the first step; peak memory.")
        {
            architecture, steps, batchSize, evalBatchSize, threads, device, precision, profile, engine, baseline, comparePrecision, json,
        };
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            var r = Benchmark.Run(new BenchmarkOptions
            {
                Architecture = parsed.GetValue(architecture),
                Steps = parsed.GetValue(steps),
                BatchSize = parsed.GetValue(batchSize),
                EvalBatchSize = parsed.GetValue(evalBatchSize),
                Compute = CommonOptions.ReadCompute(parsed, device, threads, precision),
                Data = data.Read(parsed),
                Profile = parsed.GetValue(profile),
                Engine = InferenceEngines.Spelling.Parse(parsed.GetValue(engine)!),
                Baseline = parsed.GetValue(baseline),
                ComparePrecision = parsed.GetValue(comparePrecision),
            });
            Console.WriteLine(parsed.GetValue(json) ? ToJson(r) : ToText(r));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ToText(BenchmarkResult r)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"model           {r.Model}: {r.Parameters:N0} parameters, {r.Precision}, {r.StepGflop * 1000 / r.BatchSize:F1} MFLOP per image per training step");
        text.AppendLine($"device          {r.Device}, {r.Threads} thread(s), batch {r.BatchSize}, {r.Steps} timed steps");
        text.AppendLine($"training        {r.TrainSamplesPerSecond,8:F0} samples/s   {r.MillisecondsPerStep,7:F2} ms/step   {r.AchievedGflops,6:F1} GFLOP/s");
        text.AppendLine($"evaluation      {r.EvalSamplesPerSecond,8:F0} samples/s   (12,000 validation images)");
        text.AppendLine($"machine         {r.MatmulPeak.Work}: {r.MatmulPeak.Gflops:F1} GFLOP/s");
        foreach (var conv in r.Convolutions) text.AppendLine($"                {conv.Work}: {conv.Gflops:F1} GFLOP/s");
        text.AppendLine($"efficiency      {r.Efficiency:F2} of the {r.MatmulPeak.Work} rate");
        text.AppendLine($"first step      {r.FirstStepMilliseconds,8:F0} ms after process start");
        text.Append($"peak memory     {r.PeakResidentMegabytes,8:F0} MB resident");
        if (r.Engines is { } engines)
        {
            text.AppendLine().AppendLine($"inference, the path of evaluate (median of {engines.Rounds} alternating rounds of 12,000 images):");
            text.AppendLine($"  torchsharp    {engines.TorchSharpSamplesPerSecond,8:F0} samples/s");
            text.AppendLine($"  onnxruntime   {engines.OnnxRuntimeSamplesPerSecond,8:F0} samples/s   {engines.OnnxRuntimeSpeedup:F2}× TorchSharp's");
            text.Append($"  onnx export   {engines.ExportMilliseconds,8:F0} ms, {engines.OnnxBytes / 1024.0:F0} kB");
        }
        if (r.Baseline is { } b)
        {
            text.AppendLine().AppendLine($"against idiomatic TorchSharp (nn.Sequential, torch.optim.Adam, float32; {b.BaselineParameters:N0} parameters), the same batches,");
            text.AppendLine($"median of {b.Rounds} alternating rounds of {b.StepsPerRound} steps each:");
            text.AppendLine($"  fashioncnn    {b.SamplesPerSecond,8:F0} samples/s");
            text.AppendLine($"  torchsharp    {b.BaselineSamplesPerSecond,8:F0} samples/s");
            text.Append($"  ratio         {b.Speedup,8:F2}× the idiomatic TorchSharp step's rate");
        }
        if (r.Precisions is { } p)
        {
            text.AppendLine().AppendLine($"float32 against mixed_bfloat16, the same weights and batches, median of {p.Rounds} alternating rounds of {p.StepsPerRound} steps each:");
            text.AppendLine($"  float32         {p.Float32SamplesPerSecond,8:F0} samples/s");
            text.AppendLine($"  mixed_bfloat16  {p.BFloat16SamplesPerSecond,8:F0} samples/s");
            text.Append($"  ratio           {p.Speedup,8:F2}× float32's rate with mixed_bfloat16");
        }
        if (r.Profile is { } profile)
        {
            text.AppendLine().AppendLine().AppendLine($"{"where a step's time goes",-52} {"ms/step",8} {"share",7}");
            foreach (var category in profile.GroupBy(p => p.Category))
            {
                double ms = category.Sum(p => p.Milliseconds);
                text.AppendLine($"{category.Key,-52} {ms,8:F3} {ms / profile.Sum(p => p.Milliseconds),7:P1}");
                foreach (var part in category)
                    text.AppendLine($"  {part.Part,-50} {part.Milliseconds,8:F3}");
            }
            double profiled = profile.Sum(p => p.Milliseconds);
            text.AppendLine($"{"a profiled step",-52} {profiled,8:F3}");
            text.Append($"{"a plain step (the training line above)",-52} {r.MillisecondsPerStep,8:F3}");
        }
        return text.ToString();
    }

    private static string ToJson(BenchmarkResult r) => JsonFormat.Serialize(new
    {
        model = r.Model,
        parameters = r.Parameters,
        precision = r.Precision,
        train_samples_per_s = Math.Round(r.TrainSamplesPerSecond, 1),
        ms_per_step = Math.Round(r.MillisecondsPerStep, 3),
        eval_samples_per_s = Math.Round(r.EvalSamplesPerSecond, 1),
        step_gflop = Math.Round(r.StepGflop, 4),
        achieved_gflops = Math.Round(r.AchievedGflops, 2),
        matmul_peak = new { work = r.MatmulPeak.Work, gflops = Math.Round(r.MatmulPeak.Gflops, 1) },
        convolutions = r.Convolutions.Select(c => new { work = c.Work, gflops = Math.Round(c.Gflops, 1) }),
        efficiency = Math.Round(r.Efficiency, 3),
        first_step_ms = Math.Round(r.FirstStepMilliseconds, 0),
        peak_rss_mb = Math.Round(r.PeakResidentMegabytes, 1),
        device = r.Device,
        threads = r.Threads,
        batch_size = r.BatchSize,
        steps = r.Steps,
        profile = r.Profile?.Select(p => new { category = p.Category, part = p.Part, ms = Math.Round(p.Milliseconds, 4) }),
        engines = r.Engines is not { } e ? null : new
        {
            torchsharp_eval_samples_per_s = Math.Round(e.TorchSharpSamplesPerSecond, 1),
            onnxruntime_eval_samples_per_s = Math.Round(e.OnnxRuntimeSamplesPerSecond, 1),
            onnxruntime_speedup = Math.Round(e.OnnxRuntimeSpeedup, 3),
            onnx_export_ms = Math.Round(e.ExportMilliseconds, 1),
            onnx_bytes = e.OnnxBytes,
            rounds = e.Rounds,
        },
        baseline = r.Baseline is not { } b ? null : new
        {
            parameters = b.BaselineParameters,
            train_samples_per_s = Math.Round(b.SamplesPerSecond, 1),
            baseline_train_samples_per_s = Math.Round(b.BaselineSamplesPerSecond, 1),
            ratio = Math.Round(b.Speedup, 3),
            rounds = b.Rounds,
            steps_per_round = b.StepsPerRound,
        },
        precisions = r.Precisions is not { } p ? null : new
        {
            float32_train_samples_per_s = Math.Round(p.Float32SamplesPerSecond, 1),
            mixed_bfloat16_train_samples_per_s = Math.Round(p.BFloat16SamplesPerSecond, 1),
            ratio = Math.Round(p.Speedup, 3),
            rounds = p.Rounds,
            steps_per_round = p.StepsPerRound,
        },
    });
}
