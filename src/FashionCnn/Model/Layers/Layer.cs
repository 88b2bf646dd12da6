using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>What <c>fashioncnn visualize</c> draws of a layer's weights (feature maps are drawn for any layer with an image output).</summary>
public enum WeightPicture { None, Kernels, Matrix }

/// <summary>
/// One kind of layer of a Keras-like Sequential model, with everything the tool knows about it in its own file, as
/// Keras' <c>Dense</c> class holds its build, call, output shape, config and variables together: the abstract members
/// below are what a new kind must answer, and the engines (<see cref="SequentialNet"/>, <see cref="KerasModelConfig"/>,
/// the ONNX export, the summary, the cost model, <c>visualize</c>) ask the record instead of switching on its type.
/// Reading a kind's Keras config is its static <c>FromKeras</c>, listed in <see cref="LayerKinds"/>.
/// </summary>
public abstract record Layer(string Name)
{
    /// <summary>The Keras class name, as <c>model.summary()</c> prints it.</summary>
    public abstract string KerasClass { get; }

    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>
    /// The variables Keras keeps for this layer on <paramref name="input"/>, in the order Keras creates (and files
    /// number) them; none for a layer without weights. Everything about weights derives from this: the parameter
    /// counts, Keras' initialisation, the import from Keras files and the names in checkpoints and exports.
    /// </summary>
    public abstract IReadOnlyList<LayerVariable> Variables(TensorShape input);

    /// <summary>
    /// Operations of one image's forward pass (a multiply and an add are two), counted for the products of
    /// convolutions and Dense layers, which are what a step's arithmetic is; 0 for the layers that only move,
    /// compare or scale values.
    /// </summary>
    public abstract long Flops(TensorShape input, TensorShape output);

    /// <summary>
    /// Values of one image the layer's kernel builds beside its input and output: a convolution's patch matrix (every
    /// kernel-sized window of the input as a column, as im2col lays it out: k·k·C_in × H_out·W_out), an augmentation's
    /// sampling grid and gathered corners; 0 for layers that work in place of their input and output.
    /// </summary>
    public abstract long WorkspaceElements(TensorShape input, TensorShape output);

    /// <summary>The layer's <c>config</c> as Keras 3's <c>get_config</c> writes it (the part this tool reads back).</summary>
    public abstract JsonObject KerasConfig();

    /// <summary>
    /// The TorchSharp module that holds this layer's <see cref="Variables"/> under their PyTorch names, registered by
    /// <see cref="ModuleName"/>; null exactly when the layer has no variables.
    /// </summary>
    public abstract nn.Module<Tensor, Tensor>? CreateModule(TensorShape input);

    /// <summary>
    /// The layer applied to a batch <paramref name="x"/> in the network's layout (an image as (N, C, H, W), see
    /// <see cref="SequentialNet"/>); <paramref name="run"/> says whether it trains, in which precision, and holds its module.
    /// </summary>
    public abstract Tensor Forward(LayerRun run, Tensor x);

    /// <summary>The layer as Keras applies it at inference, added to an ONNX graph after the graph's current value.</summary>
    public abstract void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput);

    /// <summary>What <c>visualize</c> draws of the layer's weights.</summary>
    public abstract WeightPicture WeightPicture { get; }

    public long ParameterCount(TensorShape input) => Variables(input).Sum(v => v.Count);

    /// <summary>The part of <see cref="ParameterCount"/> that training does not update (BatchNormalization's moving statistics).</summary>
    public long NonTrainableParameterCount(TensorShape input) => Variables(input).Where(v => !v.Trainable).Sum(v => v.Count);

    /// <summary>
    /// The name its variables are stored under (<c>conv2d.weight</c>) and its TorchSharp module is registered by. Keras
    /// allows any name (<c>conv2d.v2</c>), but a '.' separates a module from its variable in a state_dict, so it becomes
    /// '_' here; the Keras name stays the one shown to the user.
    /// </summary>
    public string ModuleName => Name.Replace('.', '_');

    /// <summary>Whether the layer has variables of its own on <paramref name="input"/> (what Keras' <c>load_weights</c> counts when it matches by order).</summary>
    public bool HasWeights(TensorShape input) => Variables(input).Count > 0;

    /// <summary>The kernel (Keras' glorot_uniform from its fans) and the zero bias of a Conv2D or Dense layer.</summary>
    private protected static IReadOnlyList<LayerVariable> KernelAndBias(long[] kernelShape, int[] torchAxes, long fanIn, long fanOut, long units) =>
    [
        new LayerVariable("kernel", "weight", kernelShape, torchAxes, Initializer.GlorotUniform, fanIn, fanOut),
        LayerVariable.Vector("bias", "bias", units, Initializer.Zeros),
    ];

    private protected void RequireImage(TensorShape input)
    {
        if (input.Rank != 3)
            throw new FashionCnnException($"layer {Name} ({KerasClass}) needs an image input (height, width, channels), got {input}.");
    }

    /// <summary>
    /// The output shape of a square <paramref name="window"/> slid over an image input by TensorFlow's padding rules,
    /// with <paramref name="channels"/> channels, or the input's when null.
    /// </summary>
    private protected TensorShape SlideWindow(TensorShape input, string window, int size, int stride, bool same, int? channels)
    {
        RequireImage(input);
        int rows = TensorFlowPadding.OutputSize(input[0], size, stride, same);
        int cols = TensorFlowPadding.OutputSize(input[1], size, stride, same);
        if (rows < 1 || cols < 1)
            throw new FashionCnnException($"layer {Name} ({KerasClass}): a {size}×{size} {window} does not fit its {input} input.");
        return new TensorShape(rows, cols, channels ?? input[2]);
    }

    /// <summary>A Keras config holding the layer's name and <paramref name="values"/>.</summary>
    private protected JsonObject Config(params (string Key, JsonNode? Value)[] values)
    {
        var config = new JsonObject { ["name"] = Name };
        foreach (var (key, value) in values) config[key] = value;
        return config;
    }

    /// <summary>A square window or stride as Keras writes it, (n, n).</summary>
    private protected static JsonArray Pair(int value) => new(value, value);
}
