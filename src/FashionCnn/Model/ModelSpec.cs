namespace FashionCnn.Model;

/// <summary>
/// A Keras-like Sequential model as a list of layer descriptions and its input shape. Layer indices are
/// those of Keras' <c>model.layers</c>, which is what <c>--layer N</c> means in every verb.
/// </summary>
public sealed record ModelSpec(TensorShape InputShape, IReadOnlyList<Layer> Layers)
{
    /// <summary>
    /// The book's CNN (chapter 8-2): Conv2D(32) → MaxPool → Conv2D(64) → MaxPool → Flatten → Dense(100)
    /// → Dropout(0.4) → Dense(10, softmax), with the names Keras gives a fresh session's layers.
    /// </summary>
    public static ModelSpec Book { get; } = new(new TensorShape(28, 28, 1),
    [
        new Conv2D("conv2d", 32, 3, Activation.Relu),
        new MaxPooling2D("max_pooling2d"),
        new Conv2D("conv2d_1", 64, 3, Activation.Relu),
        new MaxPooling2D("max_pooling2d_1"),
        new Flatten("flatten"),
        new Dense("dense", 100, Activation.Relu),
        new Dropout("dropout", 0.4),
        new Dense("dense_1", 10, Activation.Softmax),
    ]);

    /// <summary>Each layer's input and output shape, in order.</summary>
    public IReadOnlyList<(Layer Layer, TensorShape Input, TensorShape Output)> Shapes()
    {
        var rows = new List<(Layer, TensorShape, TensorShape)>(Layers.Count);
        var shape = InputShape;
        foreach (var layer in Layers)
        {
            var output = layer.OutputShape(shape);
            rows.Add((layer, shape, output));
            shape = output;
        }
        return rows;
    }

    public long ParameterCount => Shapes().Sum(row => row.Layer.ParameterCount(row.Input));

    public long NonTrainableParameterCount => Shapes().Sum(row => row.Layer.NonTrainableParameterCount(row.Input));

    /// <summary>A model whose first layer is Rescaling was trained on raw pixels (0–255) and scales them itself.</summary>
    public bool TakesRawPixels => Layers.Count > 0 && Layers[0] is Rescaling;

    /// <summary>The number of classes the last layer scores.</summary>
    public int OutputUnits => Shapes()[^1].Output.Rank == 1 ? Shapes()[^1].Output[0] : 0;

    /// <summary>
    /// The layer that <paramref name="indexOrName"/> names: an index into <see cref="Layers"/> or a layer
    /// name. An unknown one is an error listing the valid layers.
    /// </summary>
    public int IndexOf(string indexOrName)
    {
        if (int.TryParse(indexOrName, out int index) && index >= 0 && index < Layers.Count) return index;
        for (int i = 0; i < Layers.Count; i++)
            if (Layers[i].Name == indexOrName) return i;
        string valid = string.Join(", ", Layers.Select((layer, i) => $"{i} {layer.Name} ({layer.KerasClass})"));
        throw new FashionCnnException($"no layer '{indexOrName}'; the layers are: {valid}.");
    }
}
