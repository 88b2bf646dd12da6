using FashionCnn.Model;
using FashionCnn.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Model;

/// <summary>
/// The augmentation layers against loop-level references written from TensorFlow's ImageProjectiveTransformV3 kernel
/// (the one Keras' affine_transform runs with its default backend) and from Keras' matrices, in doubles.
/// </summary>
public class AugmentationTests
{
    private const int H = 5, W = 7, C = 2;
    private const double Fill = 0.25;

    /// <summary>A (1, C, H, W) image of seeded values in [0, 1) and the same values as [c, y, x].</summary>
    private static (Tensor Tensor, double[,,] Values) Image(int seed)
    {
        var random = new Random(seed);
        var values = new double[C, H, W];
        var flat = new float[C * H * W];
        for (int c = 0, i = 0; c < C; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++, i++)
                    flat[i] = (float)(values[c, y, x] = Math.Round(random.NextDouble(), 3));
        return (tensor(flat, [1, C, H, W]), values);
    }

    /// <summary>TensorFlow's coordinate map for one axis, in doubles; reflect folds by the period 2·len.</summary>
    private static double MapCoordinate(double c, int len, FillMode mode)
    {
        switch (mode)
        {
            case FillMode.Constant:
                return c;
            case FillMode.Reflect:
                double period = 2.0 * len;
                double m = c - period * Math.Floor(c / period);
                if (m >= len) m = period - 1 - m;
                return Math.Clamp(m, 0, len - 1);
            case FillMode.Wrap:
                // As the kernel writes it: the quotient is taken by len − 1.
                if (c < 0) c += len * (Math.Truncate(-c / (len - 1)) + 1);
                else if (c > len - 1) c -= len * Math.Truncate(c / (len - 1));
                return Math.Clamp(c, 0, len - 1);
            default:
                return Math.Clamp(c, 0, len - 1);
        }
    }

    private static double Pixel(double[,,] image, int c, double y, double x) =>
        y >= 0 && y < H && x >= 0 && x < W ? image[c, (int)y, (int)x] : Fill;

    /// <summary>One output pixel of the affine map (a0, a1, a2, b0, b1, b2), as the kernel computes it.</summary>
    private static double Reference(double[,,] image, double[] t, int c, int y, int x, FillMode mode, Interpolation interpolation)
    {
        double inX = MapCoordinate(t[0] * x + t[1] * y + t[2], W, mode);
        double inY = MapCoordinate(t[3] * x + t[4] * y + t[5], H, mode);
        if (interpolation == Interpolation.Nearest)
            return Pixel(image, c, Math.Round(inY, MidpointRounding.AwayFromZero), Math.Round(inX, MidpointRounding.AwayFromZero));
        double x0 = Math.Floor(inX), y0 = Math.Floor(inY), x1 = x0 + 1, y1 = y0 + 1;
        double top = (x1 - inX) * Pixel(image, c, y0, x0) + (inX - x0) * Pixel(image, c, y0, x1);
        double bottom = (x1 - inX) * Pixel(image, c, y1, x0) + (inX - x0) * Pixel(image, c, y1, x1);
        return (y1 - inY) * top + (inY - y0) * bottom;
    }

    /// <summary>Keras' matrices, worked from their formulas: translation, rotation about the centre (Keras 3's _compute_affine_matrix), zoom.</summary>
    private static double[] KerasMatrix(string kind, double p, double q) => kind switch
    {
        "translation" => [1, 0, -p, 0, 1, -q],
        "rotation" => Rotation(p),
        _ => [p, 0, (W - 1) / 2.0 * (1 - p), 0, q, (H - 1) / 2.0 * (1 - q)],
    };

    private static double[] Rotation(double angle)
    {
        double cx = 0.5 * (W - 1), cy = 0.5 * (H - 1), a0 = Math.Cos(angle), a1 = -Math.Sin(angle), b0 = Math.Sin(angle), b1 = Math.Cos(angle);
        return [a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1];
    }

    private static Tensor LayerMatrix(string kind, double p, double q) => kind switch
    {
        "translation" => RandomTranslation.Matrix(tensor(new[] { (float)p }), tensor(new[] { (float)q })),
        "rotation" => RandomRotation.Matrix(tensor(new[] { (float)p }), H, W),
        _ => RandomZoom.Matrix(tensor(new[] { (float)p }), tensor(new[] { (float)q }), H, W),
    };

    public static TheoryData<string, double, double, FillMode, Interpolation> Cases()
    {
        var data = new TheoryData<string, double, double, FillMode, Interpolation>();
        (string, double, double)[] transforms =
        [
            ("translation", 1.3, -2.6), ("translation", 9.4, 6.2), ("translation", -15.7, -11.1),
            ("rotation", 0.7, 0), ("rotation", -2.0, 0), ("zoom", 1.3, 0.8), ("zoom", 0.6, 0.6), ("zoom", 1.9, 1.45),
        ];
        foreach (var (kind, p, q) in transforms)
            foreach (var mode in Enum.GetValues<FillMode>())
                foreach (var interpolation in Enum.GetValues<Interpolation>())
                    data.Add(kind, p, q, mode, interpolation);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translation_rotation_and_zoom_match_the_loop_level_kernel_with_each_fill_mode(string kind, double p, double q, FillMode mode, Interpolation interpolation)
    {
        var (image, values) = Image(seed: 3);
        double[] matrix = KerasMatrix(kind, p, q);

        using var output = ImageAffineTransform.Apply(image, LayerMatrix(kind, p, q), mode, interpolation, Fill);
        var actual = output.data<float>().ToArray();

        Assert.Equal(new long[] { 1, C, H, W }, output.shape);
        for (int c = 0, i = 0; c < C; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++, i++)
                    Assert.True(Math.Abs(Reference(values, matrix, c, y, x, mode, interpolation) - actual[i]) <= 1e-5,
                        $"{kind} ({p}, {q}) {mode} {interpolation}: pixel (c {c}, y {y}, x {x}) is {actual[i]}, the kernel gives {Reference(values, matrix, c, y, x, mode, interpolation)}");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Flip_mirrors_exactly_the_chosen_images_along_the_modes_axes(bool horizontal, bool vertical)
    {
        var (image, values) = Image(seed: 4);
        var batch = cat([image, image], 0);
        var layer = new RandomFlip("flip", horizontal, vertical);

        var actual = layer.Flip(batch, tensor(new[] { true, false }).view(2, 1, 1, 1)).data<float>().ToArray();

        for (int n = 0, i = 0; n < 2; n++)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++, i++)
                    {
                        int sy = n == 0 && vertical ? H - 1 - y : y, sx = n == 0 && horizontal ? W - 1 - x : x;
                        Assert.Equal((float)values[c, sy, sx], actual[i]);
                    }
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.8)]
    public void Contrast_scales_each_channel_about_its_own_mean_and_clips_to_the_value_range(double factor)
    {
        var (image, values) = Image(seed: 5);
        var layer = new RandomContrast("contrast", new FactorRange(0.5, 0.5), RangeLow: 0.1, RangeHigh: 0.9);

        var actual = layer.Adjust(image, tensor(new[] { (float)factor })).data<float>().ToArray();

        for (int c = 0, i = 0; c < C; c++)
        {
            double mean = 0;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) mean += values[c, y, x] / (H * W);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++, i++)
                    Assert.Equal(Math.Clamp((values[c, y, x] - mean) * factor + mean, 0.1, 0.9), actual[i], 5);
        }
    }

    /// <summary>An 8×8 image dark but for one pixel at (row, column).</summary>
    private static Tensor OnePixel(int row, int column)
    {
        var image = zeros(1, 1, 8, 8);
        image[0, 0, row, column] = tensor(1f);
        return image;
    }

    private static (int Row, int Column) Lit(Tensor image)
    {
        var values = image.data<float>().ToArray();
        int index = Array.FindIndex(values, v => v > 0.99f);
        Assert.Equal(1, values.Count(v => v > 0.01f));
        return (index / 8, index % 8);
    }

    [Fact]
    public void A_quarter_turn_moves_the_top_right_pixel_to_the_top_left_counter_clockwise_as_keras_documents()
    {
        var layer = new RandomRotation("rotation", new FactorRange(0.25, 0.25), FillMode.Constant);

        Assert.Equal((0, 0), Lit(layer.Augment(OnePixel(0, 7), new Generator(1))));
    }

    [Fact]
    public void A_translation_factor_is_a_fraction_of_the_size_positive_moving_down_and_right()
    {
        var layer = new RandomTranslation("translation", new FactorRange(0.25, 0.25), new FactorRange(-0.5, -0.5), FillMode.Constant);

        Assert.Equal((3 + 2, 6 - 4), Lit(layer.Augment(OnePixel(3, 6), new Generator(1))));
    }

    [Fact]
    public void Each_image_gets_its_own_draw_and_the_same_seed_gives_the_same_draws()
    {
        var layer = new RandomFlip("flip", Horizontal: true, Vertical: false);
        var images = OnePixel(2, 1).expand(400, 1, 8, 8).contiguous();

        var first = layer.Augment(images, new Generator(11));
        var again = layer.Augment(images, new Generator(11));
        long flipped = (long)first[.., 0, 2, 6].sum().item<float>();

        Assert.True(first.eq(again).all().item<bool>());
        // Half the images, as Keras' uniform ≤ 0.5: 400 draws give 200 ± 50 well beyond five standard deviations (10).
        Assert.InRange(flipped, 150, 250);
        Assert.Equal(400 - flipped, (long)first[.., 0, 2, 1].sum().item<float>());
    }

    [Fact]
    public void Augmentation_acts_in_training_and_is_the_identity_outside_it()
    {
        var input = new TensorShape(8, 8, 1);
        Layer[] head = [new Flatten("flatten"), new Dense("dense", 3, Activation.Linear)];
        using var augmented = new SequentialNet(new ModelSpec(input,
            [new RandomFlip("flip"), new RandomTranslation("shift", new(-0.3, 0.3), new(-0.3, 0.3)), new RandomContrast("contrast", new(0.5, 0.5)), .. head]));
        using var plain = new SequentialNet(new ModelSpec(input, head));
        augmented.InitializeLikeKeras(1);
        plain.load_state_dict(augmented.state_dict());
        var images = rand(16, 1, 8, 8, generator: new Generator(2));

        augmented.eval();
        plain.eval();
        using (no_grad())
        {
            Assert.True(augmented.call(images).eq(plain.call(images)).all().item<bool>());
            augmented.train();
            augmented.TrainingGenerator = new Generator(3);
            Assert.False(augmented.call(images).allclose(plain.call(images), rtol: 0, atol: 1e-3));
        }
    }
}
