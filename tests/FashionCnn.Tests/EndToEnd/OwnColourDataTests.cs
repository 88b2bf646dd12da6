using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Tests.Data;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// A user's own colour pictures: 32×32 RGB images of four classes in PATH/train/&lt;class&gt;/ and PATH/test/&lt;class&gt;/,
/// made from Fashion-MNIST (padded to 32×32, each image tinted a random colour). The book's CNN follows the data
/// (32×32×3 in, four classes out), learns it in a few epochs, predict names the folder's class, and the ONNX export
/// scores the test part exactly as the checkpoint does.
/// </summary>
public class OwnColourDataTests : IClassFixture<OwnColourDataTests.TrainedOnColour>
{
    /// <summary>Fashion-MNIST labels of the four classes, and the folder names they get (in ordinal order, so labels 0–3).</summary>
    private static readonly (int Label, string Folder)[] Classes = [(8, "bag"), (3, "dress"), (7, "sneaker"), (1, "trouser")];

    private const int TrainPerClass = 400, TestPerClass = 100;

    private static LabeledImages Tinted(LabeledImages source, int perClass, int seed)
    {
        var random = new Random(seed);
        var shape = new ImageShape(32, 32, 3);
        var picked = Classes.SelectMany((c, label) => Enumerable.Range(0, source.Count).Where(i => source.Labels[i] == c.Label).Take(perClass)
            .Select(i => (Index: i, Label: label))).ToList();
        var pixels = new byte[picked.Count * shape.Values];
        for (int n = 0; n < picked.Count; n++)
        {
            var image = source.Image(picked[n].Index);
            double r = random.Next(64, 256), g = random.Next(64, 256), b = random.Next(64, 256);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    int o = n * shape.Values + ((y + 2) * 32 + x + 2) * 3;
                    double v = image[y * 28 + x] / 255.0;
                    (pixels[o], pixels[o + 1], pixels[o + 2]) = ((byte)(v * r), (byte)(v * g), (byte)(v * b));
                }
        }
        return new LabeledImages(pixels, picked.Select(p => (byte)p.Label).ToArray(), shape);
    }

    /// <summary>The folder of tinted pictures and the book's CNN trained on it for three epochs, made once for the class.</summary>
    public sealed class TrainedOnColour : IDisposable
    {
        internal TempFolder Folder { get; } = new();

        internal string Data => Folder.File("tinted");

        internal string Checkpoint => Path.Combine(Folder.File("models"), "best-cnn-model.safetensors");

        /// <summary>A trouser of the test part, as a user's 32×32 tinted photo.</summary>
        internal string Photo => Path.Combine(Data, "test", "trouser", $"{3 * TestPerClass:D5}.png");

        internal CliRunner.Result Training { get; }

        public TrainedOnColour()
        {
            var fashion = BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory });
            DataSetWriter.WritePngFolder(Path.Combine(Data, "train"), Tinted(fashion.Parts.Train, TrainPerClass, seed: 1), Folders);
            DataSetWriter.WritePngFolder(Path.Combine(Data, "test"), Tinted(fashion.Test, TestPerClass, seed: 2), Folders);
            Training = Run("train", "--no-report", "--data", Data, "--epochs", "3", "--model-dir", Folder.File("models"), "--device", "cpu");
        }

        internal CliRunner.Result Run(params string[] args) =>
            CliRunner.Run(Folder.Path, new Dictionary<string, string?> { [DecodedSetCache.EnvironmentVariable] = Folder.File("cache") }, args);

        internal JsonElement Json(params string[] args)
        {
            var result = Run(args);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return JsonDocument.Parse(result.Stdout).RootElement;
        }

        public void Dispose() => Folder.Dispose();
    }

    private static readonly List<string> Folders = Classes.Select(c => c.Folder).ToList();

    private readonly TrainedOnColour _run;

    public OwnColourDataTests(TrainedOnColour run)
    {
        _run = run;
        Assert.True(run.Training.ExitCode == 0, run.Training.Stderr);
    }

    [Fact]
    public void The_books_cnn_follows_the_data_and_summary_names_its_input_and_classes()
    {
        var summary = _run.Run("summary", "--model", _run.Checkpoint);

        Assert.True(summary.ExitCode == 0, summary.Stderr);
        Assert.Contains("(None, 4096)", summary.Stdout);
        Assert.Contains("(None, 4)", summary.Stdout);
        Assert.Contains("Input: (None, 32, 32, 3), rgb images", summary.Stdout);
        Assert.Contains("Classes (4): bag, dress, sneaker, trouser", summary.Stdout);
    }

    [Fact]
    public void It_learns_the_pictures_and_the_onnx_export_scores_the_test_part_the_same()
    {
        var evaluated = _run.Json("evaluate", "--model", _run.Checkpoint, "--data", _run.Data, "--split", "test", "--json", "--out", _run.Folder.File("evaluated"));
        Assert.Equal(4 * TestPerClass, evaluated.GetProperty("count").GetInt32());
        Assert.True(evaluated.GetProperty("accuracy").GetDouble() >= 0.9, evaluated.GetProperty("accuracy").ToString());
        Assert.Equal(Folders, evaluated.GetProperty("per_class").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        var export = _run.Run("export", "--model", _run.Checkpoint, "--format", "onnx", "--output", _run.Folder.File("tinted.onnx"));
        Assert.True(export.ExitCode == 0, export.Stderr);
        var onnx = _run.Json("evaluate", "--model", _run.Folder.File("tinted.onnx"), "--data", _run.Data, "--split", "test", "--json", "--out", _run.Folder.File("evaluated"));
        Assert.Equal(evaluated.GetProperty("correct").GetInt32(), onnx.GetProperty("correct").GetInt32());
    }

    [Fact]
    public void Predict_names_the_folders_class_of_a_photo()
    {
        var predicted = _run.Json("predict", "--model", _run.Checkpoint, _run.Photo, "--json")[0];

        Assert.Equal("trouser", predicted.GetProperty("predictions")[0].GetProperty("name").GetString());
    }

    /// <summary>
    /// Grad-CAM at the last convolution's 16×16 (32×32 halved by the first pooling), saliency and occlusion at the image's
    /// 32×32, for a data set image and for the photo.
    /// </summary>
    [Fact]
    public void Explain_maps_the_models_own_images_at_their_size()
    {
        string explained = _run.Folder.File("explained");
        var cam = _run.Json("explain", "--model", _run.Checkpoint, "--data", _run.Data, "--split", "test", "--index", $"{3 * TestPerClass}", "--json", "--out", explained)[0];
        Assert.Equal((16, 16), (cam.GetProperty("map").GetArrayLength(), cam.GetProperty("map")[0].GetArrayLength()));
        Assert.Equal("trouser", cam.GetProperty("label").GetProperty("name").GetString());
        foreach (string method in new[] { "saliency", "occlusion" })
        {
            var map = _run.Json("explain", "--model", _run.Checkpoint, _run.Photo, "--method", method, "--json", "--out", explained)[0];
            Assert.Equal((32, 32), (map.GetProperty("map").GetArrayLength(), map.GetProperty("map")[0].GetArrayLength()));
            Assert.Equal("trouser", map.GetProperty("predicted").GetProperty("name").GetString());
            Assert.Equal(1.0, map.GetProperty("map").EnumerateArray().SelectMany(row => row.EnumerateArray()).Max(v => v.GetDouble()));
        }
    }

    [Fact]
    public void Visualize_draws_the_sample_in_colour_and_the_kernels_of_each_input_channel()
    {
        // The sample in its own colours: a grey rendering would have no pixel whose channels differ.
        string drawn = _run.Folder.File("drawn");
        var sample = _run.Run("visualize", "--model", _run.Checkpoint, "--data", _run.Data, "--split", "test", "--sample", $"{3 * TestPerClass}", "--out", drawn);
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.True(ColouredPixels(Path.Combine(drawn, $"sample-test-{3 * TestPerClass}.png")) > 1000);
        // The first convolution's kernels for each of the three input channels: 32 filters in rows of 16, two rows a channel.
        var kernels = _run.Run("visualize", "--model", _run.Checkpoint, "--data", _run.Data, "--layer", "0", "--out", _run.Folder.File("kernels"));
        Assert.True(kernels.ExitCode == 0, kernels.Stderr);
        Assert.Equal(6, KernelRows(Path.Combine(_run.Folder.File("kernels"), "conv2d-kernels.png")));
    }

    [Fact]
    public void A_model_made_for_other_images_is_refused_in_one_line_naming_both_shapes()
    {
        var refused = _run.Run("train", "--data", _run.Data, "--architecture", Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5"),
            "--model-dir", _run.Folder.File("other"), "--device", "cpu");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("takes (None, 28, 28, 1) input; the data's images are 32×32 rgb (None, 32, 32, 3)", refused.Stderr);
    }

    /// <summary>
    /// Rows of kernels down the picture: the most runs of at least 20 non-white pixels in any one column (a kernel is
    /// drawn about 60 pixels tall; a caption's letters are shorter, the colour bar one run).
    /// </summary>
    private static int KernelRows(string png)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        int most = 0;
        for (int x = 0; x < bitmap.Width; x++)
        {
            int runs = 0, length = 0;
            for (int y = 0; y <= bitmap.Height; y++)
            {
                bool ink = y < bitmap.Height && bitmap.GetPixel(x, y) is var p && (p.Red < 240 || p.Green < 240 || p.Blue < 240);
                if (ink) length++;
                else
                {
                    if (length >= 20) runs++;
                    length = 0;
                }
            }
            most = Math.Max(most, runs);
        }
        return most;
    }

    /// <summary>Pixels of a PNG whose red, green and blue differ by more than 40: none in a grey picture.</summary>
    private static int ColouredPixels(string png)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        return bitmap.Pixels.Count(p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 40);
    }
}
