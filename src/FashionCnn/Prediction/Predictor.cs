using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Prediction;

/// <summary>What <c>fashioncnn predict</c> is asked to classify.</summary>
public sealed record PredictOptions
{
    public string ModelPath { get; init; } = Path.Combine("models", Checkpoint.FileName);

    /// <summary>Pictures to classify (PNG or JPEG).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Or one image of the data set: the book's <c>model.predict(val_scaled[0:1])</c> is index 0 of val.</summary>
    public int? Index { get; init; }

    /// <summary>Where --index points: the book's 48,000 / 12,000 split, or the test set (as in evaluate).</summary>
    public DataSplit Split { get; init; } = DataSplit.Val;

    public int Top { get; init; } = 3;

    public Invert Invert { get; init; } = Invert.Auto;

    public string? DataDir { get; init; }
}

/// <summary>One class and its probability.</summary>
public sealed record ClassProbability(int Class, string Name, double Probability);

/// <summary>
/// The outcome for one input: its top classes, all ten probabilities, the true label where known, and the
/// 28×28 image the network saw; or, for a picture that could not be used, the one-line reason.
/// </summary>
public sealed record PredictionOutcome(string Input, IReadOnlyList<ClassProbability> Top, double[] Probabilities,
    ClassProbability? Label, NetworkInput? Seen, string? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>Classifies pictures and data set images with any model the loader reads.</summary>
public static class Predictor
{
    public static IReadOnlyList<PredictionOutcome> Run(PredictOptions options)
    {
        if (options.Top is < 1 or > 10) throw new FashionCnnException($"--top must be between 1 and 10 (got {options.Top}).");
        if ((options.Index is null) == (options.Files.Count == 0))
            throw new FashionCnnException("give either image files or --index N, not both and not neither.");
        string modelName = Path.GetFileName(options.ModelPath);
        var model = ModelFile.Load(options.ModelPath).RequireFashionMnist(modelName);
        using var net = model.Net;

        if (options.Index is int index)
        {
            var images = BookSplits.Load(options.DataDir)[options.Split];
            if (index < 0 || index >= images.Count)
                throw new FashionCnnException($"--index {index} is outside the {images.Count:N0} images of {options.Split.Name()} (0–{images.Count - 1}).");
            var seen = new NetworkInput(images.Image(index).ToArray(), Inverted: false);
            int label = images.Labels[index];
            return [Outcome($"{options.Split.Name()}[{index}]", seen, net, model.ClassNames, options.Top,
                new ClassProbability(label, model.ClassNames[label], 1))];
        }

        var outcomes = new List<PredictionOutcome>();
        foreach (string file in options.Files)
        {
            try
            {
                var seen = ImagePreprocessing.Prepare(ImageFile.Decode(file), options.Invert);
                outcomes.Add(Outcome(file, seen, net, model.ClassNames, options.Top, label: null));
            }
            catch (FashionCnnException e)
            {
                // One bad picture must not cost the user the answers for the others.
                outcomes.Add(new PredictionOutcome(file, [], [], null, null, e.Message));
            }
        }
        return outcomes;
    }

    private static PredictionOutcome Outcome(string input, NetworkInput seen, SequentialNet net, IReadOnlyList<string> names, int top, ClassProbability? label)
    {
        double[] probabilities = Probabilities(net, seen.Pixels);
        var ranked = probabilities.Select((p, c) => new ClassProbability(c, names[c], p))
            .OrderByDescending(p => p.Probability).ThenBy(p => p.Class).Take(top).ToList();
        return new PredictionOutcome(input, ranked, probabilities, label, seen, null);
    }

    private static double[] Probabilities(SequentialNet net, byte[] pixels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = net.InputFromPixels(tensor(pixels, [1, 1, ImagePreprocessing.Side, ImagePreprocessing.Side], ScalarType.Byte));
        return net.Probabilities(image)[0].to_type(ScalarType.Float64).data<double>().ToArray();
    }
}
