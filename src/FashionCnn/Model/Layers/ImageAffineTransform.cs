using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// What Keras' <c>ops.image.affine_transform</c> computes with its default (TensorFlow) backend, whose kernel is
/// TensorFlow's ImageProjectiveTransformV3 (tensorflow/core/kernels/image/image_ops.h): output pixel (x, y) reads the
/// input at (a0·x + a1·y + a2, b0·x + b1·y + b2); each coordinate is first mapped by the fill mode and clamped to the
/// image (reflect: d c b a | a b c d | d c b a; wrap: a b c d | a b c d; nearest: a a | a b c d | d d; constant: left
/// as it is), then read by nearest (round half away from zero) or bilinear interpolation, where a pixel outside the
/// image reads <c>fill_value</c>. Batched, on the images' device.
/// </summary>
public static class ImageAffineTransform
{
    /// <param name="images">(N, C, H, W) float32.</param>
    /// <param name="transforms">(N, 6) float32: a0, a1, a2, b0, b1, b2 per image.</param>
    public static Tensor Apply(Tensor images, Tensor transforms, FillMode fillMode, Interpolation interpolation, double fillValue)
    {
        long n = images.shape[0], height = images.shape[2], width = images.shape[3];
        var t = transforms.to_type(ScalarType.Float32).to(images.device).view(n, 6, 1, 1);
        var xs = arange(width, ScalarType.Float32, images.device).view(1, 1, width);
        var ys = arange(height, ScalarType.Float32, images.device).view(1, height, 1);
        var inX = t[.., 0].mul(xs).add(t[.., 1].mul(ys)).add(t[.., 2]);
        var inY = t[.., 3].mul(xs).add(t[.., 4].mul(ys)).add(t[.., 5]);
        var x = Map(inX, width, fillMode);
        var y = Map(inY, height, fillMode);
        var flat = images.reshape(n, images.shape[1], height * width);
        if (interpolation == Interpolation.Nearest)
            return Read(flat, RoundHalfAway(y), RoundHalfAway(x), height, width, fillValue);

        var x0 = x.floor();
        var y0 = y.floor();
        var x1 = x0.add(1);
        var y1 = y0.add(1);
        var top = Read(flat, y0, x0, height, width, fillValue).mul(Weight(x1.sub(x)))
            .add(Read(flat, y0, x1, height, width, fillValue).mul(Weight(x.sub(x0))));
        var bottom = Read(flat, y1, x0, height, width, fillValue).mul(Weight(x1.sub(x)))
            .add(Read(flat, y1, x1, height, width, fillValue).mul(Weight(x.sub(x0))));
        return top.mul(Weight(y1.sub(y))).add(bottom.mul(Weight(y.sub(y0))));
    }

    private static Tensor Weight(Tensor perPixel) => perPixel.unsqueeze(1);

    /// <summary>std::round: halves away from zero (torch.round rounds them to even).</summary>
    private static Tensor RoundHalfAway(Tensor value) => value.abs().add(0.5).floor().mul(value.sign());

    /// <summary>The pixels at whole-number (<paramref name="y"/>, <paramref name="x"/>) (N, H, W) of each channel; <paramref name="fillValue"/> outside the image.</summary>
    private static Tensor Read(Tensor flat, Tensor y, Tensor x, long height, long width, double fillValue)
    {
        long n = flat.shape[0], channels = flat.shape[1];
        var inside = x.ge(0).logical_and(x.lt(width)).logical_and(y.ge(0)).logical_and(y.lt(height));
        var index = y.clamp(0, height - 1).mul(width).add(x.clamp(0, width - 1)).to_type(ScalarType.Int64)
            .view(n, 1, height * width).expand(n, channels, height * width);
        var values = flat.gather(2, index).view(n, channels, height, width);
        return values.masked_fill(inside.logical_not().unsqueeze(1), fillValue);
    }

    /// <summary>TensorFlow's MapCoordinate for one axis of <paramref name="length"/> pixels, clamped to [0, length − 1] except in constant mode.</summary>
    private static Tensor Map(Tensor coordinate, long length, FillMode mode)
    {
        if (mode == FillMode.Constant) return coordinate;
        if (length <= 1 && mode != FillMode.Nearest) return zeros_like(coordinate);
        var c = coordinate;
        switch (mode)
        {
            case FillMode.Reflect:
            {
                double period = 2.0 * length;
                // Below 0: first into (−2·len, 0], then mirrored about −0.5 (or shifted by a period from below −len).
                var below = c.lt(0);
                var folded = where(c.lt(-period), c.add(c.neg().div(period).floor().mul(period)), c);
                folded = where(folded.lt(-length), folded.add(period), folded.neg().sub(1));
                // Above len − 1: into [0, 2·len), then mirrored about len − 0.5.
                var above = c.gt(length - 1);
                var wrapped = c.sub(c.div(period).floor().mul(period));
                wrapped = where(wrapped.ge(length), wrapped.neg().add(period - 1), wrapped);
                c = where(below, folded, where(above, wrapped, c));
                break;
            }
            case FillMode.Wrap:
            {
                // TensorFlow divides by len − 1 here (not len): its own quirk, kept so the same draw gives the same image.
                double span = length - 1;
                var below = c.lt(0);
                var up = c.add(c.neg().div(span).floor().add(1).mul(length));
                var above = c.gt(length - 1);
                var down = c.sub(c.div(span).floor().mul(length));
                c = where(below, up, where(above, down, c));
                break;
            }
        }
        return c.clamp(0, length - 1);
    }
}
