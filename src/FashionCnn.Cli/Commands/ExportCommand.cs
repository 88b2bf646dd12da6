using System.CommandLine;
using FashionCnn.Interop;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn export</c>: any model this tool reads, as a plain PyTorch state_dict or an ONNX file.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var architecture = CommonOptions.ArchitectureForWeights();
        var format = CommonOptions.Choice("--format",
            "pt: torch.load + load_state_dict; safetensors: safetensors.torch.load_file; onnx: ONNX Runtime (.NET, C++, Python …), "
            + "input 'input' in the Keras input shape, output 'probabilities' (N, 10).", "pt", [.. ExportFormats.Spelling.Names]);
        var output = new Option<string>("--output") { Description = "The file to write (its folder must exist).", Required = true, HelpName = "FILE" };
        var command = new Command("export",
            "Write a model as a PyTorch state_dict (keys conv2d.weight … dense_1.bias, for a network that flattens with torch.flatten) or as an ONNX model for ONNX Runtime.")
        {
            model, architecture, format, output,
        };
        command.SetAction(parsed =>
        {
            var chosen = ExportFormats.Spelling.Parse(parsed.GetValue(format)!);
            var result = ModelExport.Export(parsed.GetValue(model)!, parsed.GetValue(architecture), chosen, parsed.GetValue(output)!);
            Console.WriteLine($"Exported {result.Source} ({result.SourceFormat}) to {CommonOptions.DisplayPath(result.Output)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
