using System.CommandLine;
using System.CommandLine.Parsing;
using FashionCnn.Data;
using FashionCnn.Explanation;
using FashionCnn.Prediction;
using FashionCnn.Reports;

namespace FashionCnn.Cli.Commands;

/// <summary><c>fashioncnn explain</c>: where the network looked, as Grad-CAM, saliency or occlusion maps.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var options = new ExplainCommandOptions();
        var command = new Command("explain",
            "Where the network looked: Grad-CAM, saliency or occlusion maps of pictures, data set images or a split's most confident mistakes.");
        command.Add(options.Files);
        foreach (var option in options.All) command.Add(option);
        command.Validators.Add(options.RequireOneSource);
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(options.Json))
            {
                using var json = new JsonLines();
                Explainer.Run(options.Read(parsed), json);
            }
            else
            {
                var text = new TextLines();
                text.Finished(Explainer.Run(options.Read(parsed), text));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>explain's arguments and options, each declared once with its help and default, and how they become <see cref="ExplainOptions"/>.</summary>
    private sealed class ExplainCommandOptions
    {
        private static readonly ExplainOptions Defaults = new();

        public readonly Argument<string[]> Files = new("images") { Description = "PNG or JPEG pictures to explain (prepared as predict prepares them).", Arity = ArgumentArity.ZeroOrMore };

        private readonly Option<int[]> _index = new("--index")
        {
            Description = "Explain these images of --split: numbers and ranges, e.g. --index 0 5 7 or --index 0-9.",
            HelpName = "N…",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = ParseIndices,
        };

        private readonly Option<int> _misclassified = new Option<int>("--misclassified")
        {
            Description = "Explain the K most confident mistakes on --split, ranked as evaluate ranks them.",
            HelpName = "K",
        };

        private readonly Option<string> _split = CommonOptions.Split(Defaults.Split, "Where --index and --misclassified point");

        private readonly Option<string> _model = CommonOptions.Model();

        private readonly Option<string?> _architecture = CommonOptions.ArchitectureForWeights();

        private readonly Option<string> _method = CommonOptions.Choice("--method",
            "gradcam: ReLU of a convolution's output weighted by the class logit's gradient averaged per channel (Selvaraju et al., 2017); "
            + "saliency: |gradient| of the class logit per input pixel (Simonyan et al., 2014); "
            + "occlusion: drop in the class probability when a --patch square set to 0 covers each place (Zeiler and Fergus, 2014), "
            + "each pixel the mean of the drops of the patches covering it.",
            Defaults.Method.Name(), [.. ExplainMethodNames.All]);

        private readonly Option<string?> _layer = new("--layer")
        {
            Description = "Grad-CAM's convolution, by index (as in Keras' model.layers) or name; default: the last Conv2D (after its activation).",
            HelpName = "N|NAME",
        };

        private readonly Option<string> _class = new("--class")
        {
            Description = "Whose map: the predicted class, the true class (data set images), or a class number or name (0, Bag, …).",
            DefaultValueFactory = _ => Defaults.Class,
            HelpName = "predicted|true|C",
        };

        private readonly Option<int> _patch = new Option<int>("--patch")
        {
            Description = "Occlusion's square patch, in pixels, filled with 0 (the background).",
            DefaultValueFactory = _ => Defaults.Patch,
            HelpName = "N",
        };

        private readonly Option<int> _stride = new Option<int>("--stride")
        {
            Description = "Pixels between occlusion patches; a last patch flush with the far edge covers what the stride skips.",
            DefaultValueFactory = _ => Defaults.Stride,
            HelpName = "N",
        };

        private readonly Option<string> _invert = CommonOptions.Choice("--invert",
            "Flip grey levels of pictures so the garment is light on black as in Fashion-MNIST; auto flips when the border is mostly light.",
            "auto", [.. Prediction.Inverts.Spelling.Names]);

        private readonly Option<string> _outDir = new("--out") { Description = "Folder for the picture (created when missing).", DefaultValueFactory = _ => Defaults.OutDir, HelpName = "DIR" };

        public readonly Option<bool> Json = new("--json") { Description = "Print a JSON list with one object per image, its map at the layer's resolution scaled to a maximum of 1." };

        private readonly Option<string> _device = CommonOptions.Device();

        private readonly Option<int> _threads = CommonOptions.Threads();

        private readonly DataOptionSet _data = new();

        /// <summary>Every option, in the order help lists them.</summary>
        public IEnumerable<Option> All =>
            [_index, _misclassified, _split, _model, _architecture, _method, _layer, _class, _patch, _stride, _invert, _outDir, Json, _device, _threads, .. _data.All];

        /// <summary>Exactly one kind of input per call; an image argument that looks like an option is a typo.</summary>
        public void RequireOneSource(CommandResult result)
        {
            if (result.GetValue(Files)?.FirstOrDefault(f => f.StartsWith('-')) is { } unknown)
            {
                result.AddError($"Unrecognized command or argument '{unknown}'");
                return;
            }
            // Whether each source was given, read without converting it: a bad value already carries its own error.
            int sources = new SymbolResult?[] { result.GetResult(Files), result.GetResult(_index), result.GetResult(_misclassified) }
                .Count(given => given is { Tokens.Count: > 0 });
            if (sources != 1) result.AddError("give image files, --index N… or --misclassified K (one of them)");
        }

        public ExplainOptions Read(ParseResult parsed) => new()
        {
            Model = new Interop.ModelSource(parsed.GetValue(_model)!, parsed.GetValue(_architecture)),
            Files = parsed.GetValue(Files) ?? [],
            Indices = parsed.GetValue(_index) ?? [],
            Misclassified = parsed.GetResult(_misclassified) is null ? null : parsed.GetValue(_misclassified),
            Split = DataSplitNames.Parse(parsed.GetValue(_split)!),
            Method = ExplainMethodNames.Parse(parsed.GetValue(_method)!),
            Layer = parsed.GetValue(_layer),
            Class = parsed.GetValue(_class)!,
            Patch = parsed.GetValue(_patch),
            Stride = parsed.GetValue(_stride),
            Invert = Prediction.Inverts.Spelling.Parse(parsed.GetValue(_invert)!),
            OutDir = parsed.GetValue(_outDir)!,
            Compute = CommonOptions.ReadCompute(parsed, _device, _threads),
            Data = _data.Read(parsed),
        };
    }

    /// <summary>Numbers and ranges (0-9) into one list of indices, in the order given; a bad word is a parse error.</summary>
    private static int[] ParseIndices(ArgumentResult result)
    {
        var indices = new List<int>();
        foreach (var token in result.Tokens)
        {
            string[] ends = token.Value.Split('-', 2);
            if (ends.Length == 1 && int.TryParse(ends[0], out int single) && single >= 0)
                indices.Add(single);
            else if (ends.Length == 2 && int.TryParse(ends[0], out int first) && int.TryParse(ends[1], out int last) && first >= 0 && last >= first
                     && last - first < 1_000_000)
                indices.AddRange(Enumerable.Range(first, last - first + 1));
            else
            {
                result.AddError($"--index takes numbers and ranges such as 0-9 (got {token.Value})");
                return [];
            }
        }
        return [.. indices];
    }

    /// <summary>The text report, a line an image as each batch's maps are done.</summary>
    private sealed class TextLines : IExplanationListener
    {
        public void Started(ExplanationStart start)
        {
            Console.WriteLine($"{start.Description}, {start.ClassChoice} class — {CommonOptions.DisplayPath(start.Model)}");
            if (start.Mistakes is int mistakes)
                Console.WriteLine(start.Count == 1 ? $"The most confident of {mistakes:N0} mistakes" : $"The {start.Count} most confident of {mistakes:N0} mistakes");
        }

        public void Explained(ExplainedImage image)
        {
            string label = image.Label is { } l ? $" (true: {DisplayText.Escape(l.Name)})" : image.Inverted ? " (inverted: light background)" : "";
            string map = image.Explained.Class == image.Predicted.Class ? "" : $"; map for {DisplayText.Escape(image.Explained.Name)} {Percent.Any(image.Explained.Probability)}";
            Console.WriteLine($"  {image.Input}: {DisplayText.Escape(image.Predicted.Name)} {Percent.Any(image.Predicted.Probability)}{label}{map}");
        }

        public void Finished(ExplanationReport report)
        {
            var start = report.Start;
            Console.WriteLine($"{start.Count:N0} {(start.Count == 1 ? "map" : "maps")} in {report.Seconds:F2} s");
            string drawn = start.Drawn < start.Count ? $" (the first {start.Drawn} of {start.Count:N0} images; --json gives every map)" : "";
            Console.WriteLine($"wrote {CommonOptions.DisplayPath(start.Picture)}{drawn}");
        }
    }

    /// <summary>
    /// The JSON list, one object an image, written as each batch's maps are done, so that 60,000 maps never sit in memory
    /// as one string; the list is closed at the end, and an error part-way leaves it open (the exit code says so).
    /// </summary>
    private sealed class JsonLines : IExplanationListener, IDisposable
    {
        private readonly System.Text.Json.Utf8JsonWriter _writer = new(Console.OpenStandardOutput(),
            new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = JsonFormat.Indented.Encoder });
        private ExplanationStart? _start;
        private int _written;

        public void Started(ExplanationStart start)
        {
            _start = start;
            _writer.WriteStartArray();
        }

        public void Explained(ExplainedImage image)
        {
            var start = _start!;
            System.Text.Json.JsonSerializer.Serialize(_writer, new
            {
                input = image.Input,
                @class = image.Explained.Class,
                name = image.Explained.Name,
                probability = image.Explained.Probability,
                predicted = new { @class = image.Predicted.Class, name = image.Predicted.Name, probability = image.Predicted.Probability },
                label = image.Label is { } l ? new { @class = l.Class, name = l.Name } : null,
                method = start.Method.Name(),
                layer = start.Layer,
                map_maximum = image.Maximum,
                map = Enumerable.Range(0, start.MapHeight).Select(y => image.Map.AsSpan(y * start.MapWidth, start.MapWidth).ToArray()),
                picture = _written < start.Drawn ? start.Picture : null,
            }, JsonFormat.Indented);
            if (++_written % Explainer.BatchSize == 0) _writer.Flush();
        }

        public void Dispose()
        {
            if (_start is not null && _written == _start.Count)
            {
                _writer.WriteEndArray();
                _writer.Flush();
                Console.Out.WriteLine();
            }
            _writer.Dispose();
        }
    }
}
