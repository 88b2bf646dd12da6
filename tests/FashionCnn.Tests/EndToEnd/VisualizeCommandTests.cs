using System.Globalization;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>The book's chapter 8-3 through the real executable, on the book author's own trained model.</summary>
public class VisualizeCommandTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    private static CliRunner.Result Visualize(string outDir, params string[] args) =>
        CliRunner.Run(TestPaths.RepositoryRoot, ["visualize", "--model", BookModel, "--out", outDir, .. args]);

    private static (int Width, int Height) Size(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public void Layer_0_writes_kernels_histograms_feature_maps_and_the_sample_and_prints_numpys_statistics()
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", "0");

        Assert.True(result.ExitCode == 0, result.Stderr);
        string[] expected =
        [
            "conv2d-weights-histogram.png", "conv2d-weights-histogram-untrained.png", "conv2d-kernels.png",
            "conv2d-kernels-untrained.png", "conv2d-feature-maps-train-input-0.png", "sample-train-input-0.png",
        ];
        Assert.Equal(expected.Order(), Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        foreach (string file in expected) PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, file));

        // numpy on the same file: kernel.shape (3, 3, 1, 32), kernel.mean() -0.02494, kernel.std() 0.24952.
        Assert.Contains("weights (3, 3, 1, 32), bias (32,)", result.Stdout);
        Assert.Matches(@"trained:\s+mean -0\.0249\s+std 0\.2495", result.Stdout);
        var kernels = Size(Path.Combine(temp.Path, "conv2d-kernels.png"));
        Assert.True(kernels.Width > 3 * kernels.Height, $"2 rows of 16 kernels should be wide: {kernels}");
    }

    [Fact]
    public void Layer_2_draws_64_kernels_in_4_rows_and_64_maps_in_8_rows()
    {
        using var temp = new TempFolder();
        Assert.Equal(0, Visualize(temp.File("l0"), "--layer", "0").ExitCode);

        var result = Visualize(temp.File("l2"), "--layer", "conv2d_1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("weights (3, 3, 32, 64), bias (64,)", result.Stdout);
        var kernels32 = Size(Path.Combine(temp.File("l0"), "conv2d-kernels.png"));
        var kernels64 = Size(Path.Combine(temp.File("l2"), "conv2d_1-kernels.png"));
        var maps32 = Size(Path.Combine(temp.File("l0"), "conv2d-feature-maps-train-input-0.png"));
        var maps64 = Size(Path.Combine(temp.File("l2"), "conv2d_1-feature-maps-train-input-0.png"));
        Assert.Equal(kernels32.Width, kernels64.Width);
        Assert.True(kernels64.Height > 1.5 * kernels32.Height, $"{kernels32} vs {kernels64}");
        Assert.Equal(maps32.Width, maps64.Width);
        Assert.True(maps64.Height > 1.7 * maps32.Height, $"{maps32} vs {maps64}");
        foreach (string file in Directory.GetFiles(temp.File("l2"))) PngAssert.DecodesAndIsNotBlank(file);
    }

    [Fact]
    public void The_same_command_gives_byte_identical_pngs()
    {
        using var temp = new TempFolder();

        Assert.Equal(0, Visualize(temp.File("a"), "--layer", "0", "--sample", "7").ExitCode);
        Assert.Equal(0, Visualize(temp.File("b"), "--layer", "0", "--sample", "7").ExitCode);

        foreach (string file in Directory.GetFiles(temp.File("a")))
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.File("b"), Path.GetFileName(file)))),
                $"{Path.GetFileName(file)} differs between two runs");
    }

    [Theory]
    [InlineData("0", 0.1421)]
    [InlineData("2", 0.0833)]
    public void Untrained_statistics_match_glorot_uniform(string layer, double limit)
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", layer);

        var match = Regex.Match(result.Stdout, @"untrained: mean (-?[\d.]+)\s+std ([\d.]+)");
        Assert.True(match.Success, result.Stdout + result.Stderr);
        double mean = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double std = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(std, 0.92 * limit / Math.Sqrt(3), 1.08 * limit / Math.Sqrt(3)); // U(-a, a) has std a/√3
        Assert.InRange(Math.Abs(mean), 0, limit / 10);
    }

    [Fact]
    public void Pooling_layers_draw_feature_maps_only()
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", "1", "--split", "test", "--sample", "3");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["max_pooling2d-feature-maps-test-3.png", "sample-test-3.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Dense_layers_draw_the_histogram_and_the_weight_matrix()
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", "dense");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("weights (3136, 100), bias (100,)", result.Stdout);
        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, "dense-weights.png"));
        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, "dense-weights-histogram.png"));
    }

    [Theory]
    [InlineData("4", "4 flatten (Flatten)")]
    [InlineData("dropout", "6 dropout (Dropout)")]
    [InlineData("12", "no layer '12'")]
    [InlineData("conv9", "no layer 'conv9'")]
    public void A_layer_with_nothing_to_draw_or_no_such_layer_is_exit_2_listing_the_layers(string layer, string expected)
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", layer);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(expected, result.Stderr);
        Assert.Contains("0 conv2d (Conv2D)", result.Stderr);
        Assert.Contains("2 conv2d_1 (Conv2D)", result.Stderr);
    }

    [Fact]
    public void A_sample_outside_the_split_is_exit_2()
    {
        using var temp = new TempFolder();

        var result = Visualize(temp.Path, "--layer", "0", "--split", "test", "--sample", "10000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--sample 10000", result.Stderr);
    }

    [Fact]
    public void Summary_diagram_is_a_png_of_the_layer_chain()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "summary", "--diagram", temp.File("model.png"));

        Assert.Equal(0, result.ExitCode);
        PngAssert.DecodesAndIsNotBlank(temp.File("model.png"));
        var size = Size(temp.File("model.png"));
        Assert.True(size.Height > size.Width, $"nine boxes top to bottom: {size}");
        // As Keras' plot_model: the InputLayer's box, then the book's eight layers, counted down a column of pixels.
        Assert.Equal(9, BoxesDown(temp.File("model.png"), column: 40));
    }

    /// <summary>The boxes a column of pixels crosses: runs of the boxes' fill colour (#E8F0FA).</summary>
    private static int BoxesDown(string png, int column)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        int boxes = 0;
        bool inside = false;
        for (int y = 0; y < bitmap.Height; y++)
        {
            var p = bitmap.GetPixel(column, y);
            bool fill = Math.Abs(p.Red - 0xE8) < 6 && Math.Abs(p.Green - 0xF0) < 6 && Math.Abs(p.Blue - 0xFA) < 6;
            if (fill && !inside) boxes++;
            inside = fill;
        }
        return boxes;
    }

    [Fact]
    public void Text_is_drawn_with_the_bundled_font_even_where_the_system_has_no_fonts()
    {
        // An empty fontconfig configuration hides every system font from SkiaSharp, as on a bare container.
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("fonts.conf"), "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n");

        var bare = CliRunner.Run(TestPaths.RepositoryRoot, new Dictionary<string, string?> { ["FONTCONFIG_FILE"] = temp.File("fonts.conf") },
            "summary", "--diagram", temp.File("bare.png"));
        var usual = CliRunner.Run(TestPaths.RepositoryRoot, "summary", "--diagram", temp.File("usual.png"));

        Assert.Equal(0, bare.ExitCode);
        Assert.Equal(0, usual.ExitCode);
        PngAssert.DecodesAndIsNotBlank(temp.File("bare.png"));
        Assert.True(File.ReadAllBytes(temp.File("bare.png")).AsSpan().SequenceEqual(File.ReadAllBytes(temp.File("usual.png"))),
            "the diagram drawn without system fonts differs from the usual one");
    }
}
