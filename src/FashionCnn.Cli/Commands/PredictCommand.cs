using System.CommandLine;
using FashionCnn.Data;
using FashionCnn.Prediction;
using FashionCnn.Reports;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn predict</c>: classify pictures or data set images, as the book's model.predict.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var defaults = new PredictOptions();
        var files = new Argument<string[]>("images") { Description = "PNG or JPEG pictures to classify.", Arity = ArgumentArity.ZeroOrMore };
        var model = CommonOptions.Model(onnx: true);
        var architecture = CommonOptions.ArchitectureForWeights();
        var index = new Option<int?>("--index") { Description = "Classify this image of --split instead of files (the book: --index 0 --split val).", HelpName = "N" };
        var split = CommonOptions.Split(defaults.Split, "Where --index points");
        var top = new Option<int>("--top") { Description = "How many classes to list per input.", DefaultValueFactory = _ => defaults.Top };
        var json = new Option<bool>("--json") { Description = "Print a JSON list with one object per input." };
        var invert = CommonOptions.Choice("--invert",
            "Flip grey levels so the garment is light on black as in Fashion-MNIST; auto flips when the picture's border is mostly light.",
            "auto", [.. Prediction.Inverts.Spelling.Names]);
        var saveProbabilities = new Option<string?>("--save-probabilities")
        {
            Description = "Draw the ten probabilities as the book's bar chart (with several inputs, FILE-1.png, FILE-2.png, …).",
            HelpName = "FILE.png",
        };
        var showInput = new Option<string?>("--show-input")
        {
            Description = "Write the 28×28 grey image the network saw, pixel for pixel (with several inputs, numbered as above).",
            HelpName = "FILE.png",
        };
        var data = new DataOptionSet();
        var command = new Command("predict", "Classify your own photos (PNG, JPEG) or images of the data set, with the top classes and their probabilities.")
        {
            files, model, architecture, index, split, top, json, invert, saveProbabilities, showInput,
        };
        command.Validators.Add(result => RequireFilesOrIndex(result, files, index));
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            var outcomes = Predictor.Run(new PredictOptions
            {
                Model = new Interop.ModelSource(parsed.GetValue(model)!, parsed.GetValue(architecture)),
                Files = parsed.GetValue(files) ?? [],
                Index = parsed.GetValue(index),
                Split = DataSplitNames.Parse(parsed.GetValue(split)!),
                Top = parsed.GetValue(top),
                Invert = Prediction.Inverts.Spelling.Parse(parsed.GetValue(invert)!),
                SaveProbabilities = parsed.GetValue(saveProbabilities),
                ShowInput = parsed.GetValue(showInput),
                Data = data.Read(parsed),
            });
            if (parsed.GetValue(json)) Console.WriteLine(ToJson(outcomes));
            else foreach (var outcome in outcomes.Where(o => !o.Failed)) Console.WriteLine(ToText(outcome));
            foreach (var failed in outcomes.Where(o => o.Failed)) Console.Error.WriteLine($"fashioncnn: {failed.Error}");
            return outcomes.Any(o => o.Failed) ? ExitCodes.BadInput : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Image files or --index, exactly one of them; an image "file" that looks like an option is a typo.</summary>
    private static void RequireFilesOrIndex(System.CommandLine.Parsing.CommandResult result, Argument<string[]> files, Option<int?> index)
    {
        // The images argument takes any word; one that looks like an option is a typo, not a picture (./--name for such a file).
        if (result.GetValue(files)?.FirstOrDefault(f => f.StartsWith('-')) is { } unknown)
        {
            result.AddError($"Unrecognized command or argument '{unknown}'");
            return;
        }
        // --index given twice is the parser's own one-line error; reading its value here would throw instead.
        if (result.GetResult(index) is { Tokens.Count: > 1 }) return;
        bool hasFiles = result.GetValue(files) is { Length: > 0 }, hasIndex = result.GetValue(index) is not null;
        if (hasFiles == hasIndex)
            result.AddError(hasFiles ? "give image files or --index, not both" : "give one or more image files, or --index N");
    }

    private static string ToText(PredictionOutcome outcome)
    {
        string label = outcome.Label is { } l ? $" (true: {DisplayText.Escape(l.Name)})" : outcome.Seen!.Inverted ? " (inverted: light background)" : "";
        var lines = outcome.Top.Select((p, rank) => $"  {rank + 1}. {DisplayText.Escape(p.Name),-12} {Percent.Any(p.Probability),8}")
            .Concat(outcome.Written.Select(path => $"  wrote {CommonOptions.DisplayPath(path)}"));
        return $"{outcome.Input}{label}\n{string.Join('\n', lines)}";
    }

    private static string ToJson(IReadOnlyList<PredictionOutcome> outcomes) => JsonFormat.Serialize(outcomes.Select(o => o.Failed
        ? (object)new { input = o.Input, error = o.Error }
        : new
        {
            input = o.Input,
            predictions = o.Top.Select(p => new { @class = p.Class, name = p.Name, probability = p.Probability }),
            label = o.Label is { } l ? new { @class = l.Class, name = l.Name } : null,
            inverted = o.Seen!.Inverted,
            files = o.Written,
        }));
}
