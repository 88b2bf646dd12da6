using System.CommandLine;
using FashionCnn.Model;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn summary</c>: Keras' <c>model.summary()</c> for the book's CNN.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var command = new Command("summary", "Print the model's layers, output shapes and parameter counts, as Keras' model.summary() does.")
        {
            json,
        };
        command.SetAction(parsed =>
        {
            var summary = ModelSummary.Of(ModelSpec.Book);
            Console.WriteLine(parsed.GetValue(json) ? summary.ToJson() : summary.ToText());
            return ExitCodes.Success;
        });
        return command;
    }
}
