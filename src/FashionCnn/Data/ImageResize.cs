namespace FashionCnn.Data;

/// <summary>
/// Resizing and colour conversion of byte images held (H, W, C), as Keras' <c>image_dataset_from_directory</c> does
/// it: bilinear interpolation with half-pixel centres and no antialiasing (<c>tf.image.resize</c>'s default), grey
/// from RGB by Rec. 601 luma (PIL's <c>convert("L")</c>), grey to RGB by repeating the value; rounded to bytes.
/// </summary>
public static class ImageResize
{
    /// <summary>One image from <paramref name="source"/> (sh × sw × channels) into <paramref name="target"/> (th × tw × channels).</summary>
    public static void Bilinear(ReadOnlySpan<byte> source, int sh, int sw, Span<byte> target, int th, int tw, int channels)
    {
        if (sh == th && sw == tw)
        {
            source[..(sh * sw * channels)].CopyTo(target);
            return;
        }
        double sy = (double)sh / th, sx = (double)sw / tw;
        for (int y = 0; y < th; y++)
        {
            double fy = (y + 0.5) * sy - 0.5;
            int y0 = (int)Math.Floor(fy);
            double wy = fy - y0;
            int top = Math.Clamp(y0, 0, sh - 1), bottom = Math.Clamp(y0 + 1, 0, sh - 1);
            for (int x = 0; x < tw; x++)
            {
                double fx = (x + 0.5) * sx - 0.5;
                int x0 = (int)Math.Floor(fx);
                double wx = fx - x0;
                int left = Math.Clamp(x0, 0, sw - 1), right = Math.Clamp(x0 + 1, 0, sw - 1);
                for (int c = 0; c < channels; c++)
                {
                    double a = source[(top * sw + left) * channels + c], b = source[(top * sw + right) * channels + c];
                    double d = source[(bottom * sw + left) * channels + c], e = source[(bottom * sw + right) * channels + c];
                    double value = (a + (b - a) * wx) * (1 - wy) + (d + (e - d) * wx) * wy;
                    target[(y * tw + x) * channels + c] = ToByte(value);
                }
            }
        }
    }

    /// <summary>Every pixel from <paramref name="fromChannels"/> to <paramref name="toChannels"/> (1 or 3; RGBA's 4 drops alpha).</summary>
    public static void ConvertChannels(ReadOnlySpan<byte> source, int fromChannels, Span<byte> target, int toChannels, int pixels)
    {
        for (int i = 0; i < pixels; i++)
        {
            var pixel = source.Slice(i * fromChannels, fromChannels);
            if (toChannels == 1)
                target[i] = fromChannels == 1 ? pixel[0] : Luma(pixel[0], pixel[1], pixel[2]);
            else if (fromChannels == 1)
                target[3 * i] = target[3 * i + 1] = target[3 * i + 2] = pixel[0];
            else
            {
                target[3 * i] = pixel[0];
                target[3 * i + 1] = pixel[1];
                target[3 * i + 2] = pixel[2];
            }
        }
    }

    /// <summary>A whole set in another size or colour mode (for IDX and CSV sets given --image-size or --color-mode).</summary>
    public static LabeledImages Convert(LabeledImages set, ImageShape target)
    {
        if (set.Shape == target) return set;
        var source = set.Shape;
        var pixels = new byte[(long)set.Count * target.Values];
        Parallel.For(0, set.Count, i =>
        {
            Span<byte> converted = source.Channels == target.Channels ? null : new byte[source.Height * source.Width * target.Channels];
            ReadOnlySpan<byte> image = set.Image(i);
            if (!converted.IsEmpty)
            {
                ConvertChannels(image, source.Channels, converted, target.Channels, source.Height * source.Width);
                image = converted;
            }
            Bilinear(image, source.Height, source.Width, pixels.AsSpan(i * target.Values, target.Values), target.Height, target.Width, target.Channels);
        });
        return new LabeledImages(pixels, set.Labels, target);
    }

    public static byte Luma(byte r, byte g, byte b) => ToByte(0.299 * r + 0.587 * g + 0.114 * b);

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
