using FashionCnn.Data;
using FashionCnn.Model;

namespace FashionCnn.Inference;

/// <summary>Whether a model can score a data set's images: the same input shape, and an output for every class the data has.</summary>
public static class ModelFit
{
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
