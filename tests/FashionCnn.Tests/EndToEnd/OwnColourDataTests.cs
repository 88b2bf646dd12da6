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
public class OwnColourDataTests
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

    [Fact]
    public void The_books_cnn_learns_a_folder_of_colour_pictures_predict_names_its_class_and_onnx_scores_the_same()
    {
        using var temp = new TempFolder();
        var fashion = BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory });
        string data = temp.File("tinted"), models = temp.File("models");
        var folders = Classes.Select(c => c.Folder).ToList();
        var test = Tinted(fashion.Test, TestPerClass, seed: 2);
        DataSetWriter.WritePngFolder(Path.Combine(data, "train"), Tinted(fashion.Parts.Train, TrainPerClass, seed: 1), folders);
        DataSetWriter.WritePngFolder(Path.Combine(data, "test"), test, folders);
        var environment = new Dictionary<string, string?> { [DecodedSetCache.EnvironmentVariable] = temp.File("cache") };
        CliRunner.Result Run(params string[] args) => CliRunner.Run(temp.Path, environment, args);

        var train = Run("train", "--no-report", "--data", data, "--epochs", "3", "--model-dir", models, "--device", "cpu");
        Assert.True(train.ExitCode == 0, train.Stderr);
        string checkpoint = Path.Combine(models, "best-cnn-model.safetensors");

        var summary = Run("summary", "--model", checkpoint);
        Assert.True(summary.ExitCode == 0, summary.Stderr);
        Assert.Contains("(None, 4096)", summary.Stdout);
        Assert.Contains("(None, 4)", summary.Stdout);
        Assert.Contains("Input: (None, 32, 32, 3), rgb images", summary.Stdout);
        Assert.Contains("Classes (4): bag, dress, sneaker, trouser", summary.Stdout);

        var evaluated = JsonDocument.Parse(Run("evaluate", "--model", checkpoint, "--data", data, "--split", "test", "--json", "--out", temp.Path).Stdout).RootElement;
        Assert.Equal(4 * TestPerClass, evaluated.GetProperty("count").GetInt32());
        Assert.True(evaluated.GetProperty("accuracy").GetDouble() >= 0.9, evaluated.GetProperty("accuracy").ToString());
        Assert.Equal(folders, evaluated.GetProperty("per_class").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        // A trouser as a user's photo: 32×32 and tinted, the model names the folder's class.
        string photo = Path.Combine(data, "test", "trouser", $"{3 * TestPerClass:D5}.png");
        var predicted = JsonDocument.Parse(Run("predict", "--model", checkpoint, photo, "--json").Stdout).RootElement[0];
        Assert.Equal("trouser", predicted.GetProperty("predictions")[0].GetProperty("name").GetString());

        // explain takes the model's own images: Grad-CAM at the last convolution's 16×16 (32×32 halved by the first
        // pooling), saliency and occlusion at the image's 32×32, for a data set image and for the photo.
        string explained = temp.File("explained");
        var gradCam = Run("explain", "--model", checkpoint, "--data", data, "--split", "test", "--index", $"{3 * TestPerClass}", "--json", "--out", explained);
        Assert.True(gradCam.ExitCode == 0, gradCam.Stderr);
        var cam = JsonDocument.Parse(gradCam.Stdout).RootElement[0];
        Assert.Equal((16, 16), (cam.GetProperty("map").GetArrayLength(), cam.GetProperty("map")[0].GetArrayLength()));
        Assert.Equal("trouser", cam.GetProperty("label").GetProperty("name").GetString());
        foreach (string method in new[] { "saliency", "occlusion" })
        {
            var run = Run("explain", "--model", checkpoint, photo, "--method", method, "--json", "--out", explained);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var map = JsonDocument.Parse(run.Stdout).RootElement[0];
            Assert.Equal((32, 32), (map.GetProperty("map").GetArrayLength(), map.GetProperty("map")[0].GetArrayLength()));
            Assert.Equal("trouser", map.GetProperty("predicted").GetProperty("name").GetString());
            Assert.Equal(1.0, map.GetProperty("map").EnumerateArray().SelectMany(row => row.EnumerateArray()).Max(v => v.GetDouble()));
        }

        // visualize draws the sample in its own colours (a grey rendering would have no pixel whose channels differ).
        var drawn = Run("visualize", "--model", checkpoint, "--data", data, "--split", "test", "--sample", $"{3 * TestPerClass}", "--out", temp.File("drawn"));
        Assert.True(drawn.ExitCode == 0, drawn.Stderr);
        Assert.True(ColouredPixels(Path.Combine(temp.File("drawn"), $"sample-test-{3 * TestPerClass}.png")) > 1000);
        // The first convolution's kernels for each of the three input channels: 32 filters in rows of 16, two rows a channel.
        var kernels = Run("visualize", "--model", checkpoint, "--data", data, "--layer", "0", "--out", temp.File("kernels"));
        Assert.True(kernels.ExitCode == 0, kernels.Stderr);
        Assert.Equal(6, KernelRows(Path.Combine(temp.File("kernels"), "conv2d-kernels.png")));

        var export = Run("export", "--model", checkpoint, "--format", "onnx", "--output", temp.File("tinted.onnx"));
        Assert.True(export.ExitCode == 0, export.Stderr);
        var onnx = JsonDocument.Parse(Run("evaluate", "--model", temp.File("tinted.onnx"), "--data", data, "--split", "test", "--json", "--out", temp.Path).Stdout).RootElement;
        Assert.Equal(evaluated.GetProperty("correct").GetInt32(), onnx.GetProperty("correct").GetInt32());

        // A model made for other images is refused in one line naming both shapes.
        var refused = Run("train", "--data", data, "--architecture", Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5"),
            "--model-dir", temp.File("other"), "--device", "cpu");
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
