using System.CommandLine;
using FashionCnn.Files;
using FashionCnn.Interop;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn export</c>: any model this tool reads, as a plain PyTorch state_dict.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var architecture = CommonOptions.ArchitectureForWeights();
        var format = CommonOptions.Choice("--format",
            "pt: torch.load + load_state_dict; safetensors: safetensors.torch.load_file.", "pt", "pt", "safetensors");
        var output = new Option<string>("--output") { Description = "The file to write (its folder must exist).", Required = true, HelpName = "FILE" };
        var command = new Command("export", "Write a model as a PyTorch state_dict (keys conv2d.weight … dense_1.bias, for a network that flattens with torch.flatten).")
        {
            model, architecture, format, output,
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(model)!;
            string file = OutputFiles.RequireFile(parsed.GetValue(output), "--output");
            var loaded = ModelFile.Load(path, "--model", parsed.GetValue(architecture));
            using var net = loaded.Net;
            ModelExport.Write(loaded, parsed.GetValue(format) == "pt" ? ExportFormat.Pt : ExportFormat.SafeTensors, file);
            Console.WriteLine($"Exported {path} ({loaded.Format}) to {CommonOptions.DisplayPath(file)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
