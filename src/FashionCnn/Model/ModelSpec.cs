using FashionCnn.Model.Layers;

namespace FashionCnn.Model;

/// <summary>
/// A Keras-like Sequential model as a list of layer descriptions and its input shape. Layer indices are
/// those of Keras' <c>model.layers</c>, which is what <c>--layer N</c> means in every verb.
/// </summary>
public sealed record ModelSpec(TensorShape InputShape, IReadOnlyList<Layer> Layers)
{
    /// <summary>
    /// The largest model this tool builds. The book's CNN has 333,526 parameters; a config that asks for more
    /// than this is a typo or a forged file, refused before libtorch is asked for the memory.
    /// </summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>The largest output of one layer for one image (values); the book's largest is 25,088.</summary>
    public const long MaxActivationValues = 4_000_000;

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

    /// <summary>
    /// The same layers for another data set (how a bundled architecture follows the data): the input takes
    /// height × width × channels images at the rank the model was written for ((784,) stays flat, (28, 28) stays
    /// two-dimensional for grey images), and the last Dense scores <paramref name="classes"/> classes. The book's CNN
    /// on 32×32 RGB with 4 classes: Flatten → 4,096, last Dense(4).
    /// </summary>
    public ModelSpec ForData(int height, int width, int channels, int classes)
    {
        var input = InputShape.Rank switch
        {
            1 => new TensorShape(height * width * channels),
            2 when channels == 1 => new TensorShape(height, width),
            _ => new TensorShape(height, width, channels),
        };
        if (Layers[^1] is not Dense last)
            throw new InvalidOperationException($"a bundled architecture ends in {Layers[^1].KerasClass}, not Dense");
        return new ModelSpec(input, [.. Layers.SkipLast(1), last with { Units = classes }]);
    }

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

    /// <summary>
    /// Checks what a file could get wrong before anything is built: at least one layer, one name per layer,
    /// every layer fits its input, and the model's size is one this tool can hold. Errors name <paramref name="source"/>.
    /// </summary>
    public ModelSpec Checked(string source)
    {
        if (InputShape.Rank is < 1 or > 3 || InputShape.Dimensions.Any(d => d < 1))
            throw new FashionCnnException($"{source}: the model's input shape {InputShape} is not one this tool runs (1 to 3 positive sizes).");
        if (Layers.Count == 0)
            throw new FashionCnnException($"{source}: the model has no layers besides its input.");
        var duplicate = Layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new FashionCnnException($"{source}: {duplicate.Count()} layers are named {duplicate.Key}; Keras layer names are unique.");
        var sameModule = Layers.GroupBy(l => l.ModuleName).FirstOrDefault(g => g.Count() > 1);
        if (sameModule is not null)
            throw new FashionCnnException($"{source}: the layers {string.Join(" and ", sameModule.Select(l => l.Name))} differ only in '.' against '_', "
                                          + "which the weights' names cannot tell apart; rename one.");
        long parameters = 0;
        var shape = InputShape;
        foreach (var layer in Layers)
        {
            TensorShape output;
            try { output = layer.OutputShape(shape); }
            catch (FashionCnnException e) { throw new FashionCnnException($"{source}: {e.Message}", e); }
            parameters += layer.ParameterCount(shape);
            if (parameters > MaxParameters)
                throw new FashionCnnException($"{source}: layer {layer.Name} ({layer.KerasClass}) brings the model to {parameters:N0} parameters; this tool builds at most {MaxParameters:N0}.");
            if (output.ElementCount > MaxActivationValues)
                throw new FashionCnnException($"{source}: layer {layer.Name} ({layer.KerasClass}) outputs {output} ({output.ElementCount:N0} values per image); this tool allows at most {MaxActivationValues:N0}.");
            shape = output;
        }
        return this;
    }

    public long ParameterCount => Shapes().Sum(row => row.Layer.ParameterCount(row.Input));

    public long NonTrainableParameterCount => Shapes().Sum(row => row.Layer.NonTrainableParameterCount(row.Input));

    /// <summary>
    /// A model whose first layer is Rescaling was trained on raw pixels (0–255) and scales them itself; augmentation
    /// layers before it (as Keras' tutorials place them) see the raw pixels too.
    /// </summary>
    public bool TakesRawPixels => Layers.SkipWhile(l => l is RandomAugmentation).FirstOrDefault() is Rescaling;

    /// <summary>The augmentation layers, which act in training only (and are left out of an ONNX export).</summary>
    public IEnumerable<RandomAugmentation> Augmentations => Layers.OfType<RandomAugmentation>();

    /// <summary>The shape of the model's output for one image.</summary>
    public TensorShape OutputShape => Shapes()[^1].Output;

    /// <summary>The number of classes the last layer scores.</summary>
    public int OutputUnits => OutputShape.Rank == 1 ? OutputShape[0] : 0;

    /// <summary>The activation of the last layer that has one (Dense or Conv2D), or null when none has.</summary>
    public Activation? FinalActivation => Layers.LastOrDefault(l => l is Dense or Conv2D) switch
    {
        Dense dense => dense.Activation,
        Conv2D conv => conv.Activation,
        _ => null,
    };

    /// <summary>Whether the model has a Conv2D layer (what Grad-CAM and feature maps need).</summary>
    public bool HasConvolution => Layers.Any(l => l is Conv2D);

    /// <summary>
    /// The layer that <paramref name="indexOrName"/> names: an index into <see cref="Layers"/> or a layer
    /// name. An unknown one is an error listing the valid layers.
    /// </summary>
    public int IndexOf(string indexOrName)
    {
        if (int.TryParse(indexOrName, out int index) && index >= 0 && index < Layers.Count) return index;
        if (IndexOfName(indexOrName) is int named) return named;
        string valid = string.Join(", ", Layers.Select((layer, i) => $"{i} {layer.Name} ({layer.KerasClass})"));
        throw new FashionCnnException($"no layer '{indexOrName}'; the layers are: {valid}.");
    }

    /// <summary>
    /// The layer called <paramref name="name"/>, in any case as every name the tool takes (Conv2D_1 is conv2d_1); the
    /// exact spelling first, for a model whose names differ only in case. Null when none (or several) match.
    /// </summary>
    public int? IndexOfName(string name)
    {
        int exact = Layers.ToList().FindIndex(l => l.Name == name);
        if (exact >= 0) return exact;
        var matches = Enumerable.Range(0, Layers.Count).Where(i => string.Equals(Layers[i].Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
