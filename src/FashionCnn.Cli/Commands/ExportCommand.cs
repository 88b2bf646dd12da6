using System.CommandLine;
using FashionCnn.Interop;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn export</c>: any model this tool reads, as a plain PyTorch state_dict.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var format = new Option<string>("--format")
        {
            Description = "pt: torch.load + load_state_dict; safetensors: safetensors.torch.load_file.",
            DefaultValueFactory = _ => "pt",
        }.AcceptOnlyFromAmong("pt", "safetensors");
        var output = new Option<string>("--output") { Description = "The file to write.", Required = true, HelpName = "FILE" };
        var command = new Command("export", "Write a model as a PyTorch state_dict (keys conv2d.weight … dense_1.bias, for a network that flattens with torch.flatten).")
        {
            model, format, output,
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(model)!, file = parsed.GetValue(output)!;
            var loaded = ModelFile.Load(path);
            using var net = loaded.Net;
            ModelExport.Write(loaded, parsed.GetValue(format) == "pt" ? ExportFormat.Pt : ExportFormat.SafeTensors, file);
            Console.WriteLine($"Exported {path} ({loaded.Format}) to {file}");
            return ExitCodes.Success;
        });
        return command;
    }
}
