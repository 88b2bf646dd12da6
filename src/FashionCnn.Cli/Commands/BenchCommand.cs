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
        var precision = CommonOptions.Precision();
        var evalBatchSize = new Option<int>("--eval-batch-size") { Description = "Images per forward pass when evaluating.", DefaultValueFactory = _ => defaults.EvalBatchSize }
            .Between(1, Training.Evaluation.MaxBatchSize);
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("bench", "Measure training throughput, evaluation throughput, time to the first step and peak memory, with the real training code.")
        {
            architecture, steps, batchSize, evalBatchSize, threads, device, precision, json, dataDir,
        };
        command.SetAction(parsed =>
        {
            var r = Benchmark.Run(new BenchmarkOptions
            {
                Architecture = parsed.GetValue(architecture),
                Precision = Model.Precisions.Parse(parsed.GetValue(precision)!),
                Steps = parsed.GetValue(steps),
                BatchSize = parsed.GetValue(batchSize),
                EvalBatchSize = parsed.GetValue(evalBatchSize),
                Threads = parsed.GetValue(threads),
                Device = parsed.GetValue(device)!,
                DataDir = parsed.GetValue(dataDir),
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
                }));
                return ExitCodes.Success;
            }
            Console.WriteLine($"device          {r.Device}, {r.Threads} thread(s), batch {r.BatchSize}, {r.Steps} timed steps");
            Console.WriteLine($"training        {r.TrainSamplesPerSecond,8:F0} samples/s   {r.MillisecondsPerStep,7:F2} ms/step");
            Console.WriteLine($"evaluation      {r.EvalSamplesPerSecond,8:F0} samples/s   (12,000 validation images)");
            Console.WriteLine($"first step      {r.FirstStepMilliseconds,8:F0} ms after process start");
            Console.WriteLine($"peak memory     {r.PeakResidentMegabytes,8:F0} MB resident");
            return ExitCodes.Success;
        });
        return command;
    }
}
