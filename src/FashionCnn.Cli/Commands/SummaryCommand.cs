using System.CommandLine;
using FashionCnn.Model;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn summary</c>: Keras' <c>model.summary()</c>, and <c>plot_model</c> with --diagram.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var diagram = new Option<string?>("--diagram")
        {
            Description = "Also draw the layers as a chain of boxes with their shapes, as Keras' plot_model(show_shapes=True), to this PNG.",
            HelpName = "FILE.png",
        };
        var model = new Option<string?>("--model")
        {
            Description = "Summarise this model file (fashioncnn, Keras .h5/.keras, PyTorch) instead of the book's architecture.",
            HelpName = "PATH",
        };
        var command = new Command("summary", "Print the model's layers, output shapes and parameter counts, as Keras' model.summary() does.")
        {
            json, diagram, model,
        };
        command.SetAction(parsed =>
        {
            string? path = parsed.GetValue(model);
            // Without --model the summary comes from the layer descriptions alone, without loading libtorch.
            var spec = path is null ? ModelSpec.Book : LoadSpec(path);
            var summary = ModelSummary.Of(spec);
            Console.WriteLine(parsed.GetValue(json) ? summary.ToJson() : summary.ToText());
            if (parsed.GetValue(diagram) is { } file)
            {
                string title = path is null ? "The book's CNN (chapter 8-2)" : Path.GetFileName(path);
                Plotting.ModelDiagram.Save(spec, file, title);
                if (!parsed.GetValue(json)) Console.WriteLine($"Diagram: {CommonOptions.DisplayPath(Path.GetFullPath(file))}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static ModelSpec LoadSpec(string path)
    {
        var loaded = Interop.ModelFile.Load(path);
        using var net = loaded.Net;
        return net.Spec;
    }
}
