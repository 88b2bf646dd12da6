using System.CommandLine;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Reports;

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
            bool asJson = parsed.GetValue(json);
            if (parsed.GetValue(list))
            {
                PrintList(SummaryReport.Bundled(), asJson);
                return ExitCodes.Success;
            }
            var result = SummaryReport.Create(new SummaryOptions
            {
                Model = parsed.GetValue(model), Architecture = parsed.GetValue(architecture), Diagram = parsed.GetValue(diagram),
            });
            Console.WriteLine(asJson ? result.Summary.ToJson() : result.Summary.ToText());
            if (result.Diagram is { } drawn && !asJson) Console.WriteLine($"Diagram: {CommonOptions.DisplayPath(drawn)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintList(IReadOnlyList<BundledRow> rows, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonFormat.Serialize(rows.Select(r => new { name = r.Name, description = r.Description, parameters = r.Parameters })));
            return;
        }
        Console.WriteLine("Bundled architectures (fashioncnn train --architecture NAME):");
        foreach (var row in rows)
            Console.WriteLine($"  {row.Name,-24} {row.Parameters,9:N0} parameters   {row.Description}");
    }
}
