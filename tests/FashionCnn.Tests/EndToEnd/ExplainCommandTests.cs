using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using SkiaSharp;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>explain through the real executable, on the book author's model and on models the tests build.</summary>
public class ExplainCommandTests
{
    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");
    private static readonly Lazy<LabeledImages> TestSet = new(() => FashionMnist.Load(TestPaths.DataDirectory).Test);

    private static CliRunner.Result Explain(string outDir, params string[] args) =>
        CliRunner.Run(TestPaths.RepositoryRoot, ["explain", "--model", BookModel, "--out", outDir, .. args]);

    private static JsonElement[] Json(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToArray();
    }

    private static float[][] Map(JsonElement image) =>
        image.GetProperty("map").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

    /// <summary>The map is height × width, in [0, 1], and its maximum is exactly 1 unless it is all zeros.</summary>
    private static void AssertScaled(float[][] map, int height, int width)
    {
        Assert.Equal(height, map.Length);
        Assert.All(map, row => Assert.Equal(width, row.Length));
        float[] values = map.SelectMany(row => row).ToArray();
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.True(values.Max() == 1f || values.All(v => v == 0f), $"maximum {values.Max()}");
    }

    private static string WritePng(string path, ReadOnlySpan<byte> grey)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                bitmap.SetPixel(x, y, new SKColor(grey[y * 28 + x], grey[y * 28 + x], grey[y * 28 + x]));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void Grad_cam_json_has_one_14_by_14_map_per_image_for_the_predicted_class_and_the_picture_is_the_same_on_a_rerun()
    {
        using var temp = new TempFolder();

        var images = Json(Explain(temp.File("a"), "--index", "0-2", "--split", "test", "--json"));
        var again = Explain(temp.File("b"), "--index", "0-2", "--split", "test");
        var predicted = Json(CliRunner.Run(TestPaths.RepositoryRoot, "predict", "--model", BookModel, "--index", "2", "--split", "test", "--json")).Single();

        Assert.Equal(["test[0]", "test[1]", "test[2]"], images.Select(i => i.GetProperty("input").GetString()));
        foreach (var image in images)
        {
            Assert.Equal("gradcam", image.GetProperty("method").GetString());
            Assert.Equal("conv2d_1", image.GetProperty("layer").GetString());
            Assert.Equal(image.GetProperty("predicted").GetProperty("class").GetInt32(), image.GetProperty("class").GetInt32());
            AssertScaled(Map(image), 14, 14);
        }
        var best = predicted.GetProperty("predictions")[0];
        Assert.Equal(best.GetProperty("class").GetInt32(), images[2].GetProperty("class").GetInt32());
        Assert.Equal(best.GetProperty("name").GetString(), images[2].GetProperty("name").GetString());
        Assert.Equal(best.GetProperty("probability").GetDouble(), images[2].GetProperty("probability").GetDouble(), 6);

        Assert.True(again.ExitCode == 0, again.Stderr);
        string name = "best-cnn-model-gradcam-conv2d_1-test-0-to-2.png";
        Assert.Contains($"wrote {Path.Combine(temp.File("b"), name)}", again.Stdout);
        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.File("a"), name));
        Assert.True(File.ReadAllBytes(Path.Combine(temp.File("a"), name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.File("b"), name))),
            "the picture differs between two runs");
    }

    [Fact]
    public void Twelve_mistakes_draw_the_first_ten_say_so_and_the_json_keeps_every_map()
    {
        using var temp = new TempFolder();

        var text = Explain(temp.Path, "--misclassified", "12", "--split", "test");
        var json = Json(Explain(temp.Path, "--misclassified", "12", "--split", "test", "--json"));

        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("(the first 10 of 12 images; --json gives every map)", text.Stdout);
        Assert.Equal(12, json.Length);
        Assert.All(json[..10], image => Assert.EndsWith(".png", image.GetProperty("picture").GetString()));
        Assert.All(json[10..], image => Assert.Equal(JsonValueKind.Null, image.GetProperty("picture").ValueKind));
        using var picture = SKBitmap.Decode(Directory.GetFiles(temp.Path, "*.png").Single());
        Assert.True(picture.Height < picture.Width, $"{picture.Width}×{picture.Height}: one row of ten, not two");
    }

    [Fact]
    public void One_image_is_counted_as_one_map()
    {
        using var temp = new TempFolder();

        var result = Explain(temp.Path, "--index", "0");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"(?m)^1 map in [0-9.]+ s$", result.Stdout);
    }

    [Fact]
    public void A_picture_of_a_test_image_gets_the_map_of_the_data_set_image()
    {
        using var temp = new TempFolder();
        string png = WritePng(temp.File("trouser.png"), TestSet.Value.Image(2));

        var fromFile = Json(Explain(temp.File("out"), png, "--layer", "0", "--json")).Single();
        var fromIndex = Json(Explain(temp.File("out"), "--index", "2", "--split", "test", "--layer", "conv2d", "--json")).Single();

        Assert.Equal(png, fromFile.GetProperty("input").GetString());
        Assert.Equal("conv2d", fromFile.GetProperty("layer").GetString());
        AssertScaled(Map(fromFile), 28, 28);
        Assert.Equal(Map(fromIndex), Map(fromFile));
        PngAssert.DecodesAndIsNotBlank(temp.File("out/best-cnn-model-gradcam-conv2d-trouser.png"));
    }

    [Fact]
    public void Saliency_and_occlusion_give_28_by_28_maps_without_a_layer()
    {
        using var temp = new TempFolder();

        var saliency = Json(Explain(temp.Path, "--index", "5", "--split", "test", "--method", "saliency", "--json")).Single();
        var occlusion = Json(Explain(temp.Path, "--index", "5", "--split", "test", "--method", "occlusion", "--patch", "7", "--stride", "7", "--json")).Single();

        Assert.Equal(JsonValueKind.Null, saliency.GetProperty("layer").ValueKind);
        AssertScaled(Map(saliency), 28, 28);
        Assert.Equal("occlusion", occlusion.GetProperty("method").GetString());
        var map = Map(occlusion);
        AssertScaled(map, 28, 28);
        // 7×7 patches at stride 7 tile the image: every pixel of a tile has that one patch's drop.
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.Equal(map[y / 7 * 7][x / 7 * 7], map[y][x]);
        Assert.True(map.SelectMany(r => r).Distinct().Count() > 2, "a tiled map with one value would not show the tiling");
        foreach (string file in Directory.GetFiles(temp.Path)) PngAssert.DecodesAndIsNotBlank(file);
    }

    [Fact]
    public void The_most_confident_mistakes_are_wrong_ranked_by_confidence_and_explained_for_their_true_class()
    {
        using var temp = new TempFolder();

        var images = Json(Explain(temp.Path, "--misclassified", "4", "--split", "test", "--class", "true", "--json"));

        Assert.Equal(4, images.Length);
        foreach (var image in images)
        {
            int label = image.GetProperty("label").GetProperty("class").GetInt32();
            int index = int.Parse(image.GetProperty("input").GetString()!["test[".Length..^1]);
            Assert.Equal(TestSet.Value.Labels[index], label);
            Assert.NotEqual(label, image.GetProperty("predicted").GetProperty("class").GetInt32());
            Assert.Equal(label, image.GetProperty("class").GetInt32());
        }
        double[] confidence = images.Select(i => i.GetProperty("predicted").GetProperty("probability").GetDouble()).ToArray();
        Assert.Equal(confidence.OrderDescending(), confidence);
        PngAssert.DecodesAndIsNotBlank(temp.File("best-cnn-model-gradcam-conv2d_1-test-misclassified-4-class-true.png"));
    }

    [Fact]
    public void Explain_misclassified_lists_the_images_evaluate_ranks_as_its_most_confident_mistakes_in_the_same_order()
    {
        using var temp = new TempFolder();
        var evaluated = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", BookModel, "--split", "test", "--json", "--out", temp.Path);
        Assert.True(evaluated.ExitCode == 0, evaluated.Stderr);
        int[] ranked = JsonDocument.Parse(evaluated.Stdout).RootElement.GetProperty("misclassified").EnumerateArray().Select(i => i.GetInt32()).ToArray();

        var explained = Json(Explain(temp.Path, "--misclassified", "12", "--split", "test", "--method", "saliency", "--json"));

        Assert.Equal(32, ranked.Length);
        Assert.Equal(ranked.Take(12).Select(i => $"test[{i}]"), explained.Select(image => image.GetProperty("input").GetString()));
    }

    [Fact]
    public void Saliency_of_a_model_without_convolutions_is_its_weight_row_and_grad_cam_is_refused()
    {
        // The book's 7-1 model, Dense(10) on the 784 pixels: the logit's gradient for pixel i is the kernel's weight i.
        using var temp = new TempFolder();
        var spec = ModelFile.Architecture("7-1-logistic-regression", "--architecture");
        using var net = new SequentialNet(spec);
        net.InitializeLikeKeras(seed: 3);
        Checkpoint.Save(net, temp.File("dense.safetensors"));
        float[] weights = net.WeightAndBias(0).Weight.detach().data<float>().ToArray();
        string png = WritePng(temp.File("coat.png"), TestSet.Value.Image(6));

        var saliency = CliRunner.Run(TestPaths.RepositoryRoot, "explain", png, "--model", temp.File("dense.safetensors"), "--out", temp.Path,
            "--method", "saliency", "--class", "4", "--json");
        var gradCam = CliRunner.Run(TestPaths.RepositoryRoot, "explain", png, "--model", temp.File("dense.safetensors"), "--out", temp.Path);

        var map = Map(Json(saliency).Single());
        float[] row = weights.AsSpan(4 * 784, 784).ToArray().Select(Math.Abs).ToArray();
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.Equal(row[y * 28 + x] / row.Max(), map[y][x], 5);
        Assert.Equal(2, gradCam.ExitCode);
        Assert.Single(gradCam.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("no convolution layer", gradCam.Stderr);
        Assert.Contains("--method saliency", gradCam.Stderr);
        Assert.Contains("--method occlusion", gradCam.Stderr);
    }

    [Theory]
    [InlineData(new[] { "--index", "0", "--layer", "dense" }, "Grad-CAM takes one of: 0 conv2d (Conv2D), 2 conv2d_1 (Conv2D)")]
    [InlineData(new[] { "--index", "10000", "--split", "test" }, "--index 10000 is outside the 10,000 images of test")]
    [InlineData(new[] { "--misclassified", "0" }, "--misclassified must be at least 1")]
    [InlineData(new[] { "--index", "0", "--method", "occlusion", "--patch", "29" }, "--patch 29 is larger than the model's 28×28 images")]
    [InlineData(new[] { "--index", "0", "--class", "Hat" }, "--class Hat is not predicted, true, a class number")]
    [InlineData(new[] { "--index", "0", "--method", "saliency", "--layer", "0" }, "--layer is for --method gradcam")]
    [InlineData(new[] { "--index", "0-x" }, "--index takes numbers and ranges")]
    [InlineData(new string[0], "give image files, --index N… or --misclassified K")]
    [InlineData(new[] { "--index", "1", "--misclassified", "2" }, "give image files, --index N… or --misclassified K")]
    public void Bad_input_is_one_line_and_exit_2(string[] args, string expected)
    {
        using var temp = new TempFolder();

        var result = Explain(temp.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(expected, result.Stderr);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void The_true_class_of_a_picture_is_unknown_so_class_true_is_refused()
    {
        using var temp = new TempFolder();
        string png = WritePng(temp.File("a.png"), TestSet.Value.Image(0));

        var result = Explain(temp.File("out"), png, "--class", "true");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("--class true needs data set images", result.Stderr);
    }

    /// <summary>
    /// Each batch's maps go to stdout as they are done and only the drawn ten are kept: 40,000 images once peaked 124 MB
    /// above 5,000 (about 3.5 KB an image held or left to the GC); now both peak within a few MB of each other. The
    /// smaller run is past the allocators' warm-up (1,000 images peak 30–60 MB lower on a loaded machine, 5,000 and
    /// 30,000 the same). Both runs write every map as JSON, the larger output.
    /// </summary>
    [Fact]
    public void Memory_stays_flat_in_the_number_of_images_explained()
    {
        using var temp = new TempFolder();
        var few = Explain(temp.Path, "--split", "train", "--index", "0-4999", "--json");
        var many = Explain(temp.Path, "--split", "train", "--index", "0-29999", "--json");

        Assert.True(few.ExitCode == 0 && many.ExitCode == 0, few.Stderr + many.Stderr);
        Assert.Equal(30_000, Json(many).Length);
        Assert.True(many.PeakResidentBytes > 0, "no peak resident memory was read from /proc");
        long growth = many.PeakResidentBytes - few.PeakResidentBytes;
        Assert.True(growth < 50L << 20, $"30,000 images peaked {growth >> 20} MB above 5,000 ({many.PeakResidentBytes >> 20} against {few.PeakResidentBytes >> 20} MB)");
    }
}
