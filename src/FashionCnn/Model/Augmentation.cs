using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model;

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

/// <summary>Keras <c>RandomFlip(mode)</c>: mirrors half the images; in "horizontal_and_vertical" one draw flips both axes, as Keras 3 does.</summary>
public sealed record RandomFlip(string Name, bool Horizontal = true, bool Vertical = true, int? Seed = null) : RandomAugmentation(Name, Seed)
{
    public override string KerasClass => "RandomFlip";

    public string Mode => (Horizontal, Vertical) switch
    {
        (true, true) => "horizontal_and_vertical",
        (true, false) => "horizontal",
        _ => "vertical",
    };

    private protected override Tensor Apply(Tensor images, long count, Generator? generator)
    {
        var flip = rand(count, generator: generator, device: images.device).le(0.5).view(count, 1, 1, 1);
        return Flip(images, flip);
    }

    /// <summary>The images with those where <paramref name="flip"/> (N, 1, 1, 1) is true mirrored along the layer's axes.</summary>
    public Tensor Flip(Tensor images, Tensor flip)
    {
        var result = images;
        if (Horizontal) result = where(flip, result.flip(3), result);
        if (Vertical) result = where(flip, result.flip(2), result);
        return result;
    }
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

    /// <summary>One transform per image, (N, 6): [a0 a1 a2 b0 b1 b2], output (x, y) reads input (a0·x + a1·y + a2, b0·x + b1·y + b2).</summary>
    private protected abstract Tensor Transforms(long count, long height, long width, Generator? generator, Device device);
}

/// <summary>
/// Keras <c>RandomTranslation(height_factor, width_factor)</c>: shifts each image by a fraction of its size drawn from
/// each range (positive: down and right), Keras' matrix [1, 0, −dx, 0, 1, −dy].
/// </summary>
public sealed record RandomTranslation(string Name, FactorRange HeightFactor, FactorRange WidthFactor,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomTranslation";

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device)
    {
        var dy = Uniform(count, HeightFactor, generator, device).mul_(height);
        var dx = Uniform(count, WidthFactor, generator, device).mul_(width);
        return Matrix(dx, dy);
    }

    /// <summary>The transforms that shift by (<paramref name="dx"/>, <paramref name="dy"/>) pixels, one per image.</summary>
    public static Tensor Matrix(Tensor dx, Tensor dy)
    {
        var one = ones_like(dx);
        var zero = zeros_like(dx);
        return stack([one, zero, dx.neg(), zero, one, dy.neg()], 1);
    }
}

/// <summary>
/// Keras <c>RandomRotation(factor)</c>: turns each image about its centre by an angle drawn from factor × 360°
/// (positive: counter-clockwise), with Keras 3's matrix (<c>_compute_affine_matrix</c> with centre 0.5, 0.5).
/// </summary>
public sealed record RandomRotation(string Name, FactorRange Factor,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomRotation";

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device) =>
        Matrix(Uniform(count, Factor, generator, device).mul_(2 * Math.PI), height, width);

    /// <summary>The transforms that turn by <paramref name="radians"/> about the image's centre, one per image.</summary>
    public static Tensor Matrix(Tensor radians, long height, long width)
    {
        double cx = 0.5 * (width - 1), cy = 0.5 * (height - 1);
        var cos = radians.cos();
        var sin = radians.sin();
        var a2 = cos.mul(-cx).add(sin.mul(cy)).add(cx);
        var b2 = sin.mul(-cx).sub(cos.mul(cy)).add(cy);
        return stack([cos, sin.neg(), a2, sin, cos, b2], 1);
    }
}

/// <summary>
/// Keras <c>RandomZoom(height_factor, width_factor)</c>: scales each image about its centre by 1 + a draw from each
/// range (positive: zoom out); without a width factor the height's draw serves both axes.
/// </summary>
public sealed record RandomZoom(string Name, FactorRange HeightFactor, FactorRange? WidthFactor = null,
    FillMode FillMode = FillMode.Reflect, Interpolation Interpolation = Interpolation.Bilinear, double FillValue = 0, int? Seed = null)
    : AffineAugmentation(Name, FillMode, Interpolation, FillValue, Seed)
{
    public override string KerasClass => "RandomZoom";

    private protected override Tensor Transforms(long count, long height, long width, Generator? generator, Device device)
    {
        var zoomY = Uniform(count, HeightFactor, generator, device).add_(1);
        var zoomX = WidthFactor is { } widthFactor ? Uniform(count, widthFactor, generator, device).add_(1) : zoomY;
        return Matrix(zoomX, zoomY, height, width);
    }

    /// <summary>Keras' zoom matrix [zx, 0, (W − 1)/2 · (1 − zx), 0, zy, (H − 1)/2 · (1 − zy)], one per image.</summary>
    public static Tensor Matrix(Tensor zoomX, Tensor zoomY, long height, long width)
    {
        var zero = zeros_like(zoomX);
        var a2 = zoomX.neg().add(1).mul(0.5 * (width - 1));
        var b2 = zoomY.neg().add(1).mul(0.5 * (height - 1));
        return stack([zoomX, zero, a2, zero, zoomY, b2], 1);
    }
}

/// <summary>
/// Keras <c>RandomContrast(factor, value_range)</c>: each image's channels are pulled towards or pushed from their own
/// mean by a factor drawn from [1 − lower, 1 + upper], then clipped to the value range.
/// </summary>
public sealed record RandomContrast(string Name, FactorRange Factor, double RangeLow = 0, double RangeHigh = 255, int? Seed = null)
    : RandomAugmentation(Name, Seed)
{
    public override string KerasClass => "RandomContrast";

    private protected override Tensor Apply(Tensor images, long count, Generator? generator)
    {
        var factor = Uniform(count, new FactorRange(1 - Factor.Lower, 1 + Factor.Upper), generator, images.device);
        return Adjust(images, factor);
    }

    /// <summary>(x − mean) · factor + mean per image and channel, the mean over height and width, clipped to the value range.</summary>
    public Tensor Adjust(Tensor images, Tensor factor)
    {
        var mean = images.mean([2, 3], keepdim: true);
        return images.sub(mean).mul(factor.view(-1, 1, 1, 1)).add(mean).clamp(RangeLow, RangeHigh);
    }
}
