using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Prediction;
using FashionCnn.Reports;

namespace FashionCnn.Explanation;

/// <summary>One image to explain: what to call it, its pixels as the model takes them ((H, W, C) bytes), its true class where known, and whether it was inverted.</summary>
public sealed record ExplanationInput(string Name, ReadOnlyMemory<byte> Pixels, int? Label, bool Inverted = false);

/// <summary>The images of an explanation: the user's pictures, data set images by index, or a split's most confident mistakes.</summary>
public static class ExplanationInputs
{
    /// <summary>The images, and for mistakes how many the split has in all.</summary>
    /// <param name="input">The model's input shape: a picture is made into it as predict makes it, and a data set must have its images.</param>
    public static (IReadOnlyList<ExplanationInput> Inputs, int? Mistakes) Gather(ExplainOptions options, IClassifier classifier,
        Model.TensorShape input, string modelName)
    {
        if (options.Files.Count > 0)
            return (options.Files.Select(file =>
            {
                var seen = ImagePreprocessing.ForModel(ImageFile.Decode(file), input, classifier.ClassNames, options.Invert);
                return new ExplanationInput(file, seen.Pixels, null, seen.Inverted);
            }).ToList(), null);

        var splits = BookSplits.Load(options.Data);
        ModelFit.Require(input, classifier.ClassNames.Count, splits[options.Split], modelName);
        string split = options.Split.Name();
        var images = splits[options.Split];
        // The data set's own bytes, not copies: 60,000 images cost their names, not another 47 MB.
        ExplanationInput Input(int i) => new($"{split}[{i}]", images.Pixels.AsMemory(i * images.Shape.Values, images.Shape.Values), images.Labels[i]);
        if (options.Misclassified is not int count)
            return (options.Indices.Select(index =>
            {
                splits.RequireIndex(options.Split, index, "--index");
                return Input(index);
            }).ToList(), null);

        var mistakes = Mistakes(classifier, images);
        var inputs = mistakes.Take(count).Select(Input).ToList();
        return (inputs, mistakes.Count);
    }

    /// <summary>The split's wrong predictions, the most confident first, exactly as <c>evaluate</c> ranks them.</summary>
    private static List<int> Mistakes(IClassifier classifier, LabeledImages images) =>
        EvaluationReport.MostConfidentMistakes(Evaluation.Run(classifier, images).Predictions).ToList();
}
