namespace FashionCnn.Prediction;

/// <summary>Whether a picture's grey levels are flipped before the network sees it.</summary>
public enum Invert { Auto, Yes, No }

public static class Inverts
{
    public static readonly Spelling<Invert> Spelling = new("--invert", ("auto", Invert.Auto), ("yes", Invert.Yes), ("no", Invert.No));
}

/// <summary>The image the network sees (28×28 grey for Fashion-MNIST, 0 = background), made from a picture, and whether it was inverted.</summary>
public sealed record NetworkInput(byte[] Pixels, bool Inverted, Data.ImageShape Shape)
{
    public NetworkInput(byte[] pixels, bool inverted) : this(pixels, inverted, Data.ImageShape.FashionMnist) { }
}

/// <summary>
/// Turns a photo into what Fashion-MNIST looks like, following Zalando's own conversion: luminance grey, a
/// light garment on a black background, the edges that have the background's colour trimmed, the object's
/// longer side fitted to 28 pixels with its aspect ratio kept and the rest padded with the background.
/// Photos usually show a dark object on a light background, so <see cref="Invert.Auto"/> inverts when the
/// border pixels are mostly light; the background is then levelled to black (<see cref="Level"/>). A picture that is
/// already 28×28 is taken as it is.
/// </summary>
public static class ImagePreprocessing
{
    public const int Side = 28;

    /// <summary>
    /// The picture as <paramref name="model"/> takes it: a Fashion-MNIST model's way (<see cref="Prepare"/>), or for a model
    /// of other classes as Keras' <c>load_img(target_size=…)</c> gives it, converted to the input's colour mode and resized
    /// bilinearly to its size.
    /// </summary>
    public static NetworkInput ForModel(DecodedImage image, Model.TensorShape input, IReadOnlyList<string> classNames, Invert invert)
    {
        if (classNames.SequenceEqual(Data.FashionClasses.Names) && input.ElementCount == Side * Side) return Prepare(image, invert);
        var shape = Inference.ModelFit.ImageShapeOf(input);
        int pixels = image.Width * image.Height;
        var converted = new byte[pixels * shape.Channels];
        Data.ImageResize.ConvertChannels(image.Rgba, 4, converted, shape.Channels, pixels);
        var resized = new byte[shape.Values];
        Data.ImageResize.Bilinear(converted, image.Height, image.Width, resized, shape.Height, shape.Width, shape.Channels);
        return new NetworkInput(resized, Inverted: false, shape);
    }

    public static NetworkInput Prepare(DecodedImage image, Invert invert = Invert.Auto)
    {
        double[] grey = Grey(image);
        var border = BorderValues(grey, image.Width, image.Height).ToList();
        bool flip = invert switch
        {
            Invert.Yes => true,
            Invert.No => false,
            _ => border.Count(v => v > 127.5) > border.Count / 2,
        };
        if (flip)
            for (int i = 0; i < grey.Length; i++) grey[i] = 255 - grey[i];
        double background = border.Average(v => flip ? 255 - v : v);
        bool asItIs = image.Width == Side && image.Height == Side;
        if (!asItIs)
            background = Level(grey, border.Select(v => flip ? 255 - v : v).ToList());

        var (cropped, cw, ch) = asItIs
            ? (grey, Side, Side)
            : Trim(grey, image.Width, image.Height, background);

        // Fit the longer side to 28 pixels, keep the aspect ratio, centre, pad with the background.
        double scale = (double)Side / Math.Max(cw, ch);
        int width = Math.Clamp((int)Math.Round(cw * scale), 1, Side);
        int height = Math.Clamp((int)Math.Round(ch * scale), 1, Side);
        double[] fitted = Resample(cropped, cw, ch, width, height);
        var pixels = new byte[Side * Side];
        Array.Fill(pixels, ToByte(background));
        int left = (Side - width) / 2, top = (Side - height) / 2;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[(top + y) * Side + left + x] = ToByte(fitted[y * width + x]);
        return new NetworkInput(pixels, flip);
    }

    /// <summary>
    /// Levels a photo as a person would: the background becomes black, as in Fashion-MNIST. A garment on beige cloth
    /// or grey paper otherwise reaches the network on a background of 30 or more, which it never saw (the boot of
    /// test[0] on beige was "Bag"). The level is the border's 90th percentile, so the cloth's noise goes to black
    /// too, and the values above it are stretched back to 0–255. Returns the new background, 0.
    /// </summary>
    private static double Level(double[] grey, List<double> border)
    {
        border.Sort();
        double level = border[(int)(0.9 * (border.Count - 1))];
        if (level <= 0 || level >= 254) return level; // already black, or nothing but background
        double stretch = 255 / (255 - level);
        for (int i = 0; i < grey.Length; i++) grey[i] = Math.Max(0, (grey[i] - level) * stretch);
        return 0;
    }

    /// <summary>The smallest box holding every pixel that differs from the background by more than a tenth of the range.</summary>
    private static (double[] Pixels, int Width, int Height) Trim(double[] grey, int width, int height, double background)
    {
        const double Threshold = 25.5;
        int top = height, bottom = -1, left = width, right = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (Math.Abs(grey[y * width + x] - background) > Threshold)
                {
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                }
        if (bottom < 0) return (grey, width, height); // nothing but background: keep the whole picture
        int w = right - left + 1, h = bottom - top + 1;
        var cropped = new double[w * h];
        for (int y = 0; y < h; y++) Array.Copy(grey, (top + y) * width + left, cropped, y * w, w);
        return (cropped, w, h);
    }

    /// <summary>Rec. 601 luma (PIL's convert("L")), transparent pixels laid over white.</summary>
    private static double[] Grey(DecodedImage image)
    {
        var grey = new double[image.Width * image.Height];
        for (int i = 0; i < grey.Length; i++)
        {
            byte r = image.Rgba[4 * i], g = image.Rgba[4 * i + 1], b = image.Rgba[4 * i + 2];
            double alpha = image.Rgba[4 * i + 3] / 255.0;
            double luma = 0.299 * r + 0.587 * g + 0.114 * b;
            grey[i] = luma * alpha + 255 * (1 - alpha);
        }
        return grey;
    }

    private static IEnumerable<double> BorderValues(double[] grey, int width, int height)
    {
        for (int x = 0; x < width; x++)
        {
            yield return grey[x];
            if (height > 1) yield return grey[(height - 1) * width + x];
        }
        for (int y = 1; y < height - 1; y++)
        {
            yield return grey[y * width];
            if (width > 1) yield return grey[y * width + width - 1];
        }
    }

    /// <summary>
    /// Area-average resampling: each output pixel is the mean of the source area it covers (exact for
    /// downscaling, a soft nearest-neighbour for upscaling, the identity at equal size).
    /// </summary>
    private static double[] Resample(double[] source, int sw, int sh, int dw, int dh)
    {
        if (sw == dw && sh == dh) return source;
        var result = new double[dw * dh];
        double sx = (double)sw / dw, sy = (double)sh / dh;
        for (int y = 0; y < dh; y++)
        {
            double y0 = y * sy, y1 = y0 + sy;
            for (int x = 0; x < dw; x++)
            {
                double x0 = x * sx, x1 = x0 + sx, sum = 0, area = 0;
                for (int yy = (int)y0; yy < Math.Min(sh, (int)Math.Ceiling(y1)); yy++)
                {
                    double wy = Math.Min(yy + 1, y1) - Math.Max(yy, y0);
                    for (int xx = (int)x0; xx < Math.Min(sw, (int)Math.Ceiling(x1)); xx++)
                    {
                        double w = wy * (Math.Min(xx + 1, x1) - Math.Max(xx, x0));
                        sum += w * source[yy * sw + xx];
                        area += w;
                    }
                }
                result[y * dw + x] = area > 0 ? sum / area : 0;
            }
        }
        return result;
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
