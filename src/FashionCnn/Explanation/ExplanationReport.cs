using FashionCnn.Prediction;

namespace FashionCnn.Explanation;

/// <summary>
/// One image explained: which class its map is for and that class's probability, the prediction, the true class
/// where known, the image the network saw ((H, W, C) bytes), and the map at the layer's own resolution scaled so its maximum is 1 (<see cref="AttributionMap"/>),
/// with the value it was divided by, in the method's unit.
/// </summary>
public sealed record ExplainedImage(
    string Input, ClassProbability Explained, ClassProbability Predicted, ClassProbability? Label, bool Inverted,
    byte[] Pixels, float[] Map, double Maximum);

/// <summary>
/// What an explanation did: the method in words with its layer or patch ("Grad-CAM of conv2d_1 (14×14)"), Grad-CAM's
/// layer, the maps' resolution, whose class they explain, every image, how many mistakes the split has (for
/// --misclassified), the picture written and how many images it shows, and how long the maps took.
/// </summary>
public sealed record ExplanationReport(
    string Model, ExplainMethod Method, string Description, string? Layer, int MapHeight, int MapWidth, string ClassChoice,
    IReadOnlyList<ExplainedImage> Images, int? Mistakes, string Picture, int Drawn, double Seconds);
