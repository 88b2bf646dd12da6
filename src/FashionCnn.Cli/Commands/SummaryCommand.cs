using System.CommandLine;
using FashionCnn.Files;
using FashionCnn.Model;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn summary</c>: Keras' <c>model.summary()</c>, <c>plot_model</c> with --diagram, and the bundled architectures.</summary>
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
            Description = "Summarise this model file (fashioncnn, Keras .h5/.keras, PyTorch) instead of an architecture.",
            HelpName = "PATH",
        };
        var architecture = CommonOptions.Architecture(
            $"Summarise this architecture: a bundled name, a Keras JSON config or a model file (default: {ArchitectureSource.Default}); with --model, the architecture of a weights-only file.");
        var list = new Option<bool>("--list") { Description = "List the bundled architectures (what train --architecture takes) with their parameter counts." };
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts, as Keras' model.summary() does; --list shows the bundled architectures.")
        {
            json, diagram, model, architecture, list,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(list))
            {
                PrintList(parsed.GetValue(json));
                return ExitCodes.Success;
            }
            string? path = parsed.GetValue(model), source = parsed.GetValue(architecture);
            string? diagramFile = parsed.GetValue(diagram) is { } d
                ? new CommandFiles().Input("--model", path).Input("--architecture", source).OutputFile("--diagram", d)
                : null;
            // Without --model the summary comes from the layer descriptions alone, without loading libtorch.
            var spec = path is not null ? LoadSpec(path, source)
                : ArchitectureSource.TryReadConfig(source ?? ArchitectureSource.Default) ?? Interop.ModelFile.Architecture(source!, "--architecture");
            var summary = ModelSummary.Of(spec);
            Console.WriteLine(parsed.GetValue(json) ? summary.ToJson() : summary.ToText());
            if (diagramFile is not null)
            {
                string title = path is not null ? Path.GetFileName(path) : source is null ? "The book's CNN (chapter 8-2)" : Path.GetFileName(source);
                Plotting.ModelDiagram.Save(spec, diagramFile, title);
                if (!parsed.GetValue(json)) Console.WriteLine($"Diagram: {CommonOptions.DisplayPath(diagramFile)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintList(bool json)
    {
        var rows = ArchitectureSource.Bundled.Select(b =>
        {
            var spec = KerasModelConfig.Parse(ArchitectureSource.BundledJson(b.Name)!, b.Name);
            return (b.Name, b.Description, spec.ParameterCount);
        }).ToList();
        if (json)
        {
            Console.WriteLine(JsonFormat.Serialize(rows.Select(r => new { name = r.Name, description = r.Description, parameters = r.ParameterCount })));
            return;
        }
        Console.WriteLine("Bundled architectures (fashioncnn train --architecture NAME):");
        foreach (var (name, description, parameters) in rows)
            Console.WriteLine($"  {name,-24} {parameters,9:N0} parameters   {description}");
    }

    private static ModelSpec LoadSpec(string path, string? architecture)
    {
        var loaded = Interop.ModelFile.Load(path, "--model", architecture);
        using var net = loaded.Net;
        return net.Spec;
    }
}
