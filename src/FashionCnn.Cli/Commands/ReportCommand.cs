using System.CommandLine;
using FashionCnn.Page;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn report</c>: one self-contained HTML page for a model or a training run.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "Any model file the tool reads (.safetensors, .h5, .weights.h5, .keras, .pt); when it is train's checkpoint, its folder's run record and history are in the report too.",
            HelpName = "PATH",
        };
        var modelDir = new Option<string?>("--model-dir")
        {
            Description = $"A folder train wrote: its checkpoint, history and run record (default: {ReportOptions.DefaultModelDir}, when --model is not given).",
            HelpName = "DIR",
        };
        var architecture = CommonOptions.ArchitectureForWeights();
        var output = new Option<string?>("--output")
        {
            Description = $"The HTML file to write (default: {ReportOptions.FileName} in the model's folder).",
            HelpName = "FILE",
        };
        var data = new DataOptionSet();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("report",
            "Write one self-contained HTML page of a model or a run: the run, the model's summary and diagram, the training history, evaluation on val and test with the most confident mistakes and their Grad-CAM maps, and the chapter 8-3 pictures.")
        {
            model, modelDir, architecture, output, device, threads,
        };
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            var result = RunReport.Write(new ReportOptions
            {
                ModelPath = parsed.GetValue(model),
                ModelDir = parsed.GetValue(modelDir),
                Architecture = parsed.GetValue(architecture),
                Output = parsed.GetValue(output),
                Data = data.Read(parsed),
                Compute = CommonOptions.ReadCompute(parsed, device, threads),
            });
            Console.WriteLine(Describe(result));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One line: where the page is, its size and how long it took.</summary>
    public static string Describe(ReportResult result) =>
        $"Report: {CommonOptions.DisplayPath(result.Path)} ({result.Bytes / 1024.0:N0} kB, written in {result.Seconds:F1} s)";
}
