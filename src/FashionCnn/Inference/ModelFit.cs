using FashionCnn.Data;
using FashionCnn.Model;

namespace FashionCnn.Inference;

/// <summary>Whether a model can score a data set's images: the same input shape, and an output for every class the data has.</summary>
public static class ModelFit
{
    /// <summary>The images a model's input takes: (H, W, C), (H, W) grey, or a flat (N,) taken as a square grey image.</summary>
    public static ImageShape ImageShapeOf(TensorShape input) =>
        TryImageShapeOf(input) ?? throw new FashionCnnException($"the model takes {input} input, which is not an image of 1 or 3 channels this tool can make from a picture.");

    /// <summary>As <see cref="ImageShapeOf"/>, or null for an input that is not an image.</summary>
    public static ImageShape? TryImageShapeOf(TensorShape input)
    {
        if (input.Rank == 3 && input[2] is 1 or 3) return new ImageShape(input[0], input[1], input[2]);
        if (input.Rank == 2) return new ImageShape(input[0], input[1], 1);
        int side = (int)Math.Round(Math.Sqrt(input.ElementCount));
        if (input.Rank == 1 && side * side == input.ElementCount) return new ImageShape(side, side, 1);
        return null;
    }

    public static void Require(TensorShape input, int modelClasses, LabeledImages images, string model)
    {
        var shape = images.Shape;
        var data = new TensorShape(shape.Height, shape.Width, shape.Channels);
        bool fits = input.Rank == 3 ? input.Equals(data) : input.ElementCount == shape.Values;
        if (!fits)
            throw new FashionCnnException($"{model} takes {input} input; the data's images are {shape} {data}.");
        int maxLabel = images.Labels.Length == 0 ? -1 : images.Labels.Max();
        if (maxLabel >= modelClasses)
            throw new FashionCnnException($"{model} scores {modelClasses} classes; the data has label {maxLabel}.");
    }
}
