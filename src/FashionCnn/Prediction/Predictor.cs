using FashionCnn.Interop;
using FashionCnn.Compute;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Inference;
using FashionCnn.Plotting;
using FashionCnn.Reports;

namespace FashionCnn.Prediction;

/// <summary>What <c>fashioncnn predict</c> is asked to classify.</summary>
public sealed record PredictOptions
{
    /// <summary>The model file (any the loader reads, or an ONNX file where the verb runs one) and the architecture of a weights-only file.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>Pictures to classify (PNG or JPEG).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Or one image of the data set: the book's <c>model.predict(val_scaled[0:1])</c> is index 0 of val.</summary>
    public int? Index { get; init; }

    /// <summary>Where --index points (see <see cref="DataSplitNames.Help"/>).</summary>
    public DataSplit Split { get; init; } = DataSplit.Val;

    public int Top { get; init; } = 3;

    public Invert Invert { get; init; } = Invert.Auto;

    /// <summary>Draw each input's ten probabilities as the book's bar chart to this PNG (numbered for several inputs).</summary>
    public string? SaveProbabilities { get; init; }

    /// <summary>Write the 28×28 image the network saw to this PNG (numbered for several inputs).</summary>
    public string? ShowInput { get; init; }

    public DataOptions Data { get; init; } = new();
}

/// <summary>One class and its probability.</summary>
public sealed record ClassProbability(int Class, string Name, double Probability);

/// <summary>
/// The outcome for one input: its top classes, all ten probabilities, the true label where known, the 28×28
/// image the network saw and the pictures written for it; or, for a picture that could not be used, the reason.
/// </summary>
public sealed record PredictionOutcome(string Input, IReadOnlyList<ClassProbability> Top, double[] Probabilities,
    ClassProbability? Label, NetworkInput? Seen, string? Error, IReadOnlyList<string> Written)
{
    public bool Failed => Error is not null;
}

/// <summary>Classifies pictures and data set images with any model the loader reads, or an ONNX file.</summary>
public static class Predictor
{
    public static IReadOnlyList<PredictionOutcome> Run(PredictOptions options)
    {
        if (options.Top is < 1 or > 10) throw new FashionCnnException($"--top must be between 1 and 10 (got {options.Top}).");
        if ((options.Index is null) == (options.Files.Count == 0))
            throw new FashionCnnException("give either image files or --index N, not both and not neither.");
        // Every path first, before libtorch, the model or the data are loaded. A picture that is not a usable file
        // costs only its own answer; when no picture is usable there is nothing to load the model for.
        var refused = options.Files.Select(Refusal).ToList();
        if (options.Index is null && refused.All(r => r is not null))
            return options.Files.Select((file, i) => Failed(file, refused[i]!)).ToList();
        var paths = new CommandFiles().Input("--model", options.Model.Path).Input("--architecture", options.Model.Architecture)
            .Inputs("image", options.Files).InputData(options.Index is null ? null : options.Data);
        int candidates = options.Files.Count + (options.Index is null ? 0 : 1);
        string? chart = Outputs(paths, "--save-probabilities", options.SaveProbabilities, candidates);
        string? seenPng = Outputs(paths, "--show-input", options.ShowInput, candidates);
        options.Model.Require();
        if (options.Index is not null) DataSources.RequireOptions(options.Data);
        // predict has no --device: a few images run on the CPU, where starting CUDA would cost more than it saves.
        using var model = Classifier.Open(options.Model.Path, new ClassifierOptions { Architecture = options.Model.Architecture, Compute = new ComputeOptions { Device = DeviceChoice.Cpu } });

        var outcomes = new List<PredictionOutcome>();
        if (options.Index is int index)
        {
            var splits = BookSplits.Load(options.Data);
            ModelFit.Require(model.InputShape, model.ClassNames.Count, splits[options.Split], Path.GetFileName(options.Model.Path));
            var (pixels, label) = splits.Image(options.Split, index, "--index");
            var seen = new NetworkInput(pixels, Inverted: false, splits.Shape);
            outcomes.Add(Outcome($"{options.Split.Name()}[{index}]", seen, model, options.Top,
                new ClassProbability(label, model.ClassNames[label], 1)));
        }
        for (int i = 0; i < options.Files.Count; i++)
        {
            string file = options.Files[i];
            if (refused[i] is { } reason)
            {
                outcomes.Add(Failed(file, reason));
                continue;
            }
            try
            {
                var seen = ImagePreprocessing.ForModel(ImageFile.Decode(file), model.InputShape, model.ClassNames, options.Invert);
                outcomes.Add(Outcome(file, seen, model, options.Top, label: null));
            }
            catch (FashionCnnException e)
            {
                // One bad picture must not cost the user the answers for the others.
                outcomes.Add(Failed(file, e.Message));
            }
        }
        return WritePictures(outcomes, model.ClassNames, chart, seenPng);
    }

    /// <summary>
    /// The path an output option names, checked with every numbered path it may become (a picture that fails to decode
    /// changes how many are numbered), so that none of them is an input or another output.
    /// </summary>
    /// <summary>"test[0]: Ankle boot (99.99%)": the bar chart's title, with the probability as the console prints it, never a rounded-up 100 %.</summary>
    public static string ChartTitle(string input, ClassProbability top) => $"{input}: {top.Name} ({Percent.Uncertain(top.Probability)})";

    private static string? Outputs(CommandFiles paths, string option, string? path, int candidates)
    {
        if (path is null) return null;
        string full = paths.OutputFile(option, path);
        for (int i = 0; candidates > 1 && i < candidates; i++) paths.OutputFile(option, Numbered(full, i, candidates));
        return full;
    }

    /// <summary>Why a picture's path cannot be read (empty, missing, a folder, a pipe, a device), or null when it names a file.</summary>
    private static string? Refusal(string file)
    {
        try
        {
            InputFiles.Require(file, "image");
            return null;
        }
        catch (FashionCnnException e)
        {
            return e.Message;
        }
    }

    private static PredictionOutcome Failed(string file, string reason) => new(file, [], [], null, null, reason, []);

    /// <summary>The bar chart and the network's view of each usable input, numbered when there are several.</summary>
    private static List<PredictionOutcome> WritePictures(List<PredictionOutcome> outcomes, IReadOnlyList<string> names, string? chart, string? seenPng)
    {
        int usable = outcomes.Count(o => !o.Failed), n = 0;
        var result = new List<PredictionOutcome>();
        foreach (var outcome in outcomes)
        {
            if (outcome.Failed)
            {
                result.Add(outcome);
                continue;
            }
            var written = new List<string>();
            if (chart is not null)
            {
                string path = Numbered(chart, n, usable);
                ProbabilityChart.Save(outcome.Probabilities, names, path, ChartTitle(Path.GetFileName(outcome.Input), outcome.Top[0]));
                written.Add(path);
            }
            if (seenPng is not null)
            {
                string path = Numbered(seenPng, n, usable);
                GreyPng.Save(outcome.Seen!.Pixels, outcome.Seen.Shape, path);
                written.Add(path);
            }
            n++;
            result.Add(outcome with { Written = written });
        }
        return result;
    }

    private static string Numbered(string path, int index, int count) =>
        count == 1 ? path : Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{index + 1}{Path.GetExtension(path)}");

    private static PredictionOutcome Outcome(string input, NetworkInput seen, IClassifier model, int top, ClassProbability? label)
    {
        double[] probabilities = model.LogProbabilities(seen.Pixels, 1).Select(log => Math.Exp(log)).ToArray();
        var ranked = probabilities.Select((p, c) => new ClassProbability(c, model.ClassNames[c], p))
            .OrderByDescending(p => p.Probability).ThenBy(p => p.Class).Take(top).ToList();
        return new PredictionOutcome(input, ranked, probabilities, label, seen, null, []);
    }
}
