using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Prediction;
using FashionCnn.Training;
using SkiaSharp;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>predict through the real executable, on pictures the tests make from the test set, with the book's model.</summary>
public class PredictCommandTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");
    private static readonly Lazy<LabeledImages> TestSet = new(() => FashionMnist.Load(TestPaths.DataDirectory).Test);

    private static CliRunner.Result Predict(params string[] args) =>
        CliRunner.Run(TestPaths.RepositoryRoot, ["predict", "--model", BookModel, .. args]);

    private static JsonElement[] Json(CliRunner.Result result) =>
        JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToArray();

    /// <summary>A grey picture (width × height, one byte per pixel) encoded as PNG or JPEG.</summary>
    private static string Write(string path, byte[] grey, int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = grey[y * width + x];
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>Test image <paramref name="index"/> as a photo would show it: dark on white, 8× larger, with a margin.</summary>
    private static string WriteAsPhoto(string path, int index)
    {
        const int scale = 8, margin = 40, side = 28 * scale + 2 * margin;
        var pixels = new byte[side * side];
        Array.Fill(pixels, (byte)255);
        var image = TestSet.Value.Image(index);
        for (int y = 0; y < 28 * scale; y++)
            for (int x = 0; x < 28 * scale; x++)
                pixels[(margin + y) * side + margin + x] = (byte)(255 - image[y / scale * 28 + x / scale]);
        return Write(path, pixels, side, side, SKEncodedImageFormat.Jpeg);
    }

    [Fact]
    public void The_books_first_validation_image_is_a_bag_with_probability_near_1()
    {
        var result = Predict("--index", "0", "--split", "val", "--json");

        Assert.Equal(0, result.ExitCode);
        var outcome = Json(result).Single();
        Assert.Equal("val[0]", outcome.GetProperty("input").GetString());
        var best = outcome.GetProperty("predictions")[0];
        Assert.Equal(8, best.GetProperty("class").GetInt32());
        Assert.Equal("Bag", best.GetProperty("name").GetString());
        Assert.True(best.GetProperty("probability").GetDouble() > 0.999);
        Assert.Equal(8, outcome.GetProperty("label").GetProperty("class").GetInt32());
    }

    [Fact]
    public void A_test_image_saved_as_png_gives_the_tensor_paths_probabilities_and_as_jpeg_its_class()
    {
        using var temp = new TempFolder();
        const int index = 17;
        byte[] pixels = TestSet.Value.Image(index).ToArray();
        string png = Write(temp.File("image.png"), pixels, 28, 28, SKEncodedImageFormat.Png);
        string jpeg = Write(temp.File("image.jpg"), pixels, 28, 28, SKEncodedImageFormat.Jpeg);

        var fromTensor = Json(Predict("--index", index.ToString(), "--split", "test", "--top", "10", "--json")).Single();
        var fromFiles = Predict(png, jpeg, "--top", "10", "--json", "--show-input", temp.File("seen.png"));

        Assert.Equal(0, fromFiles.ExitCode);
        var (pngOutcome, jpegOutcome) = (Json(fromFiles)[0], Json(fromFiles)[1]);
        Assert.False(pngOutcome.GetProperty("inverted").GetBoolean());
        var expected = fromTensor.GetProperty("predictions").EnumerateArray().Select(p => (p.GetProperty("class").GetInt32(), p.GetProperty("probability").GetDouble())).ToArray();
        var actual = pngOutcome.GetProperty("predictions").EnumerateArray().Select(p => (p.GetProperty("class").GetInt32(), p.GetProperty("probability").GetDouble())).ToArray();
        Assert.Equal(expected, actual);
        Assert.Equal(expected[0].Item1, jpegOutcome.GetProperty("predictions")[0].GetProperty("class").GetInt32());

        using var seen = SKBitmap.Decode(temp.File("seen-1.png"));
        Assert.Equal((28, 28), (seen.Width, seen.Height));
        Assert.Equal(pixels[14 * 28 + 14], seen.GetPixel(14, 14).Red);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_white_background_photo_is_inverted_and_classified_as_the_data_set_image(int index)
    {
        using var temp = new TempFolder();
        string photo = WriteAsPhoto(temp.File($"photo{index}.jpg"), index);

        var outcome = Json(Predict(photo, "--json")).Single();

        Assert.True(outcome.GetProperty("inverted").GetBoolean());
        Assert.Equal(TestSet.Value.Labels[index], outcome.GetProperty("predictions")[0].GetProperty("class").GetInt32());
    }

    /// <summary>
    /// Test image <paramref name="index"/> as a phone photo of a navy garment on beige cloth: 8× larger in a 400×320
    /// frame, each pixel between the cloth's colour and navy by the garment's intensity, with seeded noise of ±12 per channel.
    /// </summary>
    private static string WriteOnBeige(string path, int index)
    {
        const int scale = 8, width = 400, height = 320, left = (width - 28 * scale) / 2, top = (height - 28 * scale) / 2;
        var (cloth, navy) = ((r: 236.0, g: 224.0, b: 198.0), (r: 20.0, g: 30.0, b: 90.0));
        var image = TestSet.Value.Image(index);
        var random = new Random(index);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                bool inside = x >= left && x < left + 28 * scale && y >= top && y < top + 28 * scale;
                double t = inside ? image[(y - top) / scale * 28 + (x - left) / scale] / 255.0 : 0;
                byte Channel(double background, double garment) => (byte)Math.Clamp(background + t * (garment - background) + random.Next(-12, 13), 0, 255);
                bitmap.SetPixel(x, y, new SKColor(Channel(cloth.r, navy.r), Channel(cloth.g, navy.g), Channel(cloth.b, navy.b)));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_photo_on_a_tinted_noisy_background_is_levelled_to_black_and_classified_as_the_data_set_image(int index)
    {
        using var temp = new TempFolder();
        string photo = WriteOnBeige(temp.File($"beige{index}.png"), index);

        var outcome = Json(Predict(photo, "--json", "--show-input", temp.File("seen.png"))).Single();

        Assert.Equal(TestSet.Value.Labels[index], outcome.GetProperty("predictions")[0].GetProperty("class").GetInt32());
        // The beige cloth (luma about 224, 31 once inverted) is the background: black in the image the network sees.
        using var seen = SKBitmap.Decode(temp.File("seen.png"));
        var corners = new[] { seen.GetPixel(0, 0), seen.GetPixel(seen.Width - 1, 0), seen.GetPixel(0, seen.Height - 1), seen.GetPixel(seen.Width - 1, seen.Height - 1) };
        Assert.All(corners, c => Assert.True(c.Red < 8, $"a corner of the image the network sees is {c.Red}, not black"));
    }

    [Fact]
    public void Bad_pictures_are_one_line_errors_with_exit_2_and_the_good_ones_are_still_classified()
    {
        using var temp = new TempFolder();
        string good = WriteAsPhoto(temp.File("good.jpg"), 0);
        string wide = Write(temp.File("wide.png"), new byte[4097 * 2], 4097, 2, SKEncodedImageFormat.Png);
        byte[] full = File.ReadAllBytes(WriteAsPhoto(temp.File("full.jpg"), 1));
        File.WriteAllBytes(temp.File("cut.jpg"), full[..(full.Length / 2)]);
        File.WriteAllBytes(temp.File("anim.png"), "GIF89a\x01\x00\x01\x00\x00\x00\x00;"u8.ToArray());
        File.WriteAllBytes(temp.File("noise.jpg"), Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray());

        var result = Predict(temp.File("wide.png"), good, temp.File("cut.jpg"), temp.File("anim.png"), temp.File("noise.jpg"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"{good} (inverted", result.Stdout);
        Assert.Contains("Ankle boot", result.Stdout);
        string[] errors = result.Stderr.TrimEnd().Split('\n');
        Assert.Equal(4, errors.Length);
        Assert.Contains(errors, e => e.Contains("wide.png") && e.Contains("4097×2"));
        Assert.Contains(errors, e => e.Contains("cut.jpg") && e.Contains("truncated"));
        Assert.Contains(errors, e => e.Contains("anim.png") && e.Contains("GIF"));
        Assert.Contains(errors, e => e.Contains("noise.jpg") && e.Contains("not a PNG or JPEG"));
    }

    [Fact]
    public void A_file_over_20_megabytes_is_refused_before_decoding()
    {
        using var temp = new TempFolder();
        using (var file = File.Create(temp.File("huge.png")))
        {
            file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
            file.SetLength(21 * 1024 * 1024);
        }

        var result = Predict(temp.File("huge.png"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("20 MB", result.Stderr);
    }

    [Fact]
    public void Index_predictions_match_evaluates_per_sample_predictions()
    {
        using var model = new TorchSharpClassifier(ModelFile.Load(BookModel), TorchSharp.torch.CPU);
        var predictions = Evaluation.Run(model, TestSet.Value.Take(200)).Predictions;
        int wrong = Enumerable.Range(0, 200).First(i => predictions.Predicted[i] != predictions.Labels[i]);

        foreach (int index in new[] { 0, wrong })
        {
            var outcome = Json(Predict("--index", index.ToString(), "--split", "test", "--json")).Single();
            Assert.Equal(predictions.Predicted[index], outcome.GetProperty("predictions")[0].GetProperty("class").GetInt32());
            Assert.Equal(predictions.Confidence[index], outcome.GetProperty("predictions")[0].GetProperty("probability").GetDouble(), 5);
        }
    }

    [Fact]
    public void The_probability_chart_and_the_input_are_drawn_and_their_paths_printed()
    {
        using var temp = new TempFolder();

        var result = Predict("--index", "3", "--split", "test", "--save-probabilities", temp.File("p.png"), "--show-input", temp.File("seen.png"));

        Assert.Equal(0, result.ExitCode);
        PngAssert.DecodesAndIsNotBlank(temp.File("p.png"));
        using var seen = SKBitmap.Decode(temp.File("seen.png"));
        Assert.Equal((28, 28), (seen.Width, seen.Height));
        Assert.Contains($"wrote {temp.File("p.png")}", result.Stdout);
        Assert.Contains($"wrote {temp.File("seen.png")}", result.Stdout);
    }

    [Theory]
    [InlineData(0.99966, "x.png: Coat (99.97%)")]
    [InlineData(0.9996, "x.png: Coat (99.96%)")]
    [InlineData(0.999996, "x.png: Coat (>99.99%)")]
    [InlineData(0.8162, "x.png: Coat (82%)")]
    public void The_chart_title_never_rounds_a_probability_up_to_100_percent(double probability, string expected)
    {
        Assert.Equal(expected, Predictor.ChartTitle("x.png", new ClassProbability(4, "Coat", probability)));
    }

    [Fact]
    public void The_console_and_the_chart_title_show_the_same_percentage()
    {
        var json = Predict("--index", "0", "--split", "test", "--json");
        var text = Predict("--index", "0", "--split", "test");

        Assert.Equal(0, text.ExitCode);
        var best = Json(json).Single().GetProperty("predictions")[0];
        string title = Predictor.ChartTitle("test[0]", new ClassProbability(best.GetProperty("class").GetInt32(),
            best.GetProperty("name").GetString()!, best.GetProperty("probability").GetDouble()));
        string shown = title[(title.LastIndexOf('(') + 1)..^1];
        Assert.DoesNotContain("100", shown);
        Assert.Contains($"1. Ankle boot {shown}", System.Text.RegularExpressions.Regex.Replace(text.Stdout, " +", " "));
    }

    [Theory]
    [InlineData(new string[0], "give one or more image files, or --index N")]
    [InlineData(new[] { "a.png", "--index", "1" }, "not both")]
    [InlineData(new[] { "--index", "1", "--top", "11" }, "--top must be between 1 and 10")]
    [InlineData(new[] { "--index", "0", "--index", "1" }, "Option '--index' expects a single argument")]
    public void Wrong_combinations_are_parse_errors(string[] args, string expected)
    {
        var result = Predict(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
    }
}
