using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>Keras' <c>fill_mode</c>: how a transformed image is filled where it reads beyond the input's edge.</summary>
public enum FillMode { Reflect, Wrap, Constant, Nearest }

/// <summary>Keras' <c>interpolation</c> of the augmentation layers.</summary>
public enum Interpolation { Bilinear, Nearest }

/// <summary>A range of a random draw, (lower, upper), as Keras keeps a factor after reading it.</summary>
public readonly record struct FactorRange(double Lower, double Upper)
{
    public override string ToString() => $"[{Lower:0.###}, {Upper:0.###}]";
}

/// <summary>
/// Keras' image augmentation layers (<c>RandomFlip</c>, <c>RandomTranslation</c>, <c>RandomRotation</c>,
/// <c>RandomZoom</c>, <c>RandomContrast</c>): ordinary Sequential layers that change each training image at random
/// and are the identity everywhere else (evaluate, predict, explain, ONNX). Each image gets its own draw, from the
/// generator the training run seeds from its seed and the epoch; the layer's own Keras <c>seed</c> is kept for the
/// file but does not choose the draws. They take an image (height, width, channels) and have no variables.
/// </summary>
public abstract record RandomAugmentation(string Name, int? Seed) : Layer(Name)
{
    public override TensorShape OutputShape(TensorShape input)
    {
        RequireImage(input);
        return input;
    }

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    /// <summary>
    /// The sampling grid (two coordinates a pixel) and the four corners gathered for bilinear interpolation, which the
    /// geometric augmentations build; counted for every augmentation, an upper bound for flips and contrast.
    /// </summary>
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 2L * input[0] * input[1] + 4 * input.ElementCount;

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    public override Tensor Forward(LayerRun run, Tensor x) => run.Training ? Augment(x, run.Generator) : x;

    /// <summary>Inference: the identity, so nothing is written (the export names the layer in its metadata).</summary>
    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput) { }

    /// <summary>The kind's own arguments, then the seed and data format every augmentation layer's config has.</summary>
    public sealed override JsonObject KerasConfig()
    {
        var config = Config();
        WriteArguments(config);
        config["seed"] = Seed;
        config["data_format"] = "channels_last";
        return config;
    }

    /// <summary>The kind's arguments as Keras 3's <c>get_config</c> writes them: a factor as the (lower, upper) list Keras keeps after reading it.</summary>
    private protected abstract void WriteArguments(JsonObject config);

    /// <summary>
    /// A batch of images (N, C, H, W), each changed by its own draw from <paramref name="generator"/> (libtorch's
    /// global generator when null). Computed in float32; the result has the input's dtype.
    /// </summary>
    public Tensor Augment(Tensor images, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var dtype = images.dtype;
        var result = Apply(images.to_type(ScalarType.Float32), images.shape[0], generator);
        return result.to_type(dtype).MoveToOuterDisposeScope();
    }

    private protected abstract Tensor Apply(Tensor images, long count, Generator? generator);

    /// <summary>Uniform draws in [lower, upper), one per image, as a column (N).</summary>
    private protected static Tensor Uniform(long count, FactorRange range, Generator? generator, Device device) =>
        rand(count, generator: generator, device: device).mul_(range.Upper - range.Lower).add_(range.Lower);
}

/// <summary>
/// The layers that move pixels (<see cref="RandomTranslation"/>, <see cref="RandomRotation"/>, <see cref="RandomZoom"/>):
/// a per-image affine map from each output pixel to the input point it reads, filled and interpolated as
/// <see cref="ImageAffineTransform"/> does.
/// </summary>
public abstract record AffineAugmentation(string Name, FillMode FillMode, Interpolation Interpolation, double FillValue, int? Seed)
    : RandomAugmentation(Name, Seed)
{
    private protected override Tensor Apply(Tensor images, long count, Generator? generator) =>
        ImageAffineTransform.Apply(images, Transforms(count, images.shape[2], images.shape[3], generator, images.device), FillMode, Interpolation, FillValue);

    /// <summary>The fill and interpolation arguments, as Keras writes them.</summary>
    private protected void WriteFill(JsonObject config)
    {
        config["fill_mode"] = FillMode.ToString().ToLowerInvariant();
        config["interpolation"] = Interpolation.ToString().ToLowerInvariant();
        config["fill_value"] = FillValue;
    }

    /// <summary>One transform per image, (N, 6): [a0 a1 a2 b0 b1 b2], output (x, y) reads input (a0·x + a1·y + a2, b0·x + b1·y + b2).</summary>
    private protected abstract Tensor Transforms(long count, long height, long width, Generator? generator, Device device);
}

