using FashionCnn.Prediction;

namespace FashionCnn.Explanation;

/// <summary>
/// One image explained: which class its map is for and that class's probability, the prediction, the true class
/// where known, the image the network saw ((H, W, C) bytes), and the map at the layer's own resolution scaled so its maximum is 1 (<see cref="AttributionMap"/>),
/// with the value it was divided by, in the method's unit.
/// </summary>
public sealed record ExplainedImage(
    string Input, ClassProbability Explained, ClassProbability Predicted, ClassProbability? Label, bool Inverted,
    ReadOnlyMemory<byte> Pixels, float[] Map, double Maximum);

/// <summary>
/// What an explanation is about, known before its first map: the model, the method in words with its layer or patch
/// ("Grad-CAM of conv2d_1 (14×14)"), Grad-CAM's layer, the maps' resolution, whose class they explain, how many images,
/// how many mistakes the split has (for --misclassified), and the picture it will draw of the first <see cref="Explainer.MaxDrawn"/>.
/// </summary>
public sealed record ExplanationStart(
    string Model, ExplainMethod Method, string Description, string? Layer, int MapHeight, int MapWidth, string ClassChoice, int Count, int? Mistakes,
    string Picture)
{
    /// <summary>How many images the picture shows.</summary>
    public int Drawn => Math.Min(Count, Explainer.MaxDrawn);
}

/// <summary>
/// What explain tells as it goes, so that memory stays flat in the number of images: what it explains, then each image
/// as soon as its batch's maps are done, in order. Only the first <see cref="Explainer.MaxDrawn"/> are kept, for the picture.
/// </summary>
public interface IExplanationListener
{
    void Started(ExplanationStart start);

    void Explained(ExplainedImage image);
}

/// <summary>
/// What an explanation did: what it was about (with the picture written), the images the picture shows (the first
/// <see cref="Explainer.MaxDrawn"/>; every image went to the <see cref="IExplanationListener"/>), and how long the maps took.
/// </summary>
public sealed record ExplanationReport(ExplanationStart Start, IReadOnlyList<ExplainedImage> Shown, double Seconds);
