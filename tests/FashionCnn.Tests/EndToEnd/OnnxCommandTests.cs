using System.Text.Json;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.Onnx;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// The ONNX road through the real executable: export the book's model, then evaluate and predict the .onnx file in
/// ONNX Runtime with the same commands, which must give the numbers the book printed; and every bad input is one
/// line with exit code 2.
/// </summary>
public class OnnxCommandTests : IClassFixture<OnnxCommandTests.BookExport>
{
    /// <summary>The book's best-cnn-model.h5 exported once for the tests of this class.</summary>
    public sealed class BookExport : IDisposable
    {
        internal TempFolder Folder { get; } = new();

        internal string Path => Folder.File("best-cnn-model.onnx");

        internal CliRunner.Result Export { get; }

        public BookExport() => Export = CliRunner.Run(TestPaths.RepositoryRoot,
            "export", "--model", OnnxTestModels.BookModel, "--format", "onnx", "--output", Path);

        public void Dispose() => Folder.Dispose();
    }

    private readonly BookExport _book;

    public OnnxCommandTests(BookExport book)
    {
        _book = book;
        Assert.True(book.Export.ExitCode == 0, book.Export.Stderr);
    }

    private static void AssertOneLineExit2(CliRunner.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(expected, result.Stderr);
    }

    [Theory]
    [InlineData("val", 11065, 12000, 0.2157203)]
    [InlineData("test", 9168, 10000, 0.2362870)]
    public void The_exported_books_model_evaluates_in_onnx_runtime_to_the_books_numbers(string split, int correct, int count, double loss)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", _book.Path, "--split", split, "--json", "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.StartsWith("ONNX opset 13 from fashioncnn", json.GetProperty("format").GetString());
        Assert.Contains("ONNX Runtime 1.31.1", json.GetProperty("format").GetString());
        Assert.Equal(correct, json.GetProperty("correct").GetInt32());
        Assert.Equal(count, json.GetProperty("count").GetInt32());
        // What the book printed, which the TorchSharp path gives within 1e-6 (EvaluateCommandTests).
        Assert.Equal(loss, json.GetProperty("loss").GetDouble(), 1e-4);
        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, $"best-cnn-model-{split}-confusion-matrix.png"));
    }

    [Fact]
    public void Predict_gives_the_onnx_file_the_probabilities_of_the_keras_file()
    {
        var onnx = CliRunner.Run(TestPaths.RepositoryRoot, "predict", "--model", _book.Path, "--index", "0", "--split", "test", "--top", "10", "--json");
        var keras = CliRunner.Run(TestPaths.RepositoryRoot, "predict", "--model", OnnxTestModels.BookModel, "--index", "0", "--split", "test", "--top", "10", "--json");

        Assert.True(onnx.ExitCode == 0, onnx.Stderr);
        static Dictionary<int, double> Probabilities(CliRunner.Result r) =>
            JsonDocument.Parse(r.Stdout).RootElement[0].GetProperty("predictions").EnumerateArray()
                .ToDictionary(p => p.GetProperty("class").GetInt32(), p => p.GetProperty("probability").GetDouble());
        var fromOnnx = Probabilities(onnx);
        var fromKeras = Probabilities(keras);
        Assert.Equal("Ankle boot", JsonDocument.Parse(onnx.Stdout).RootElement[0].GetProperty("predictions")[0].GetProperty("name").GetString());
        foreach (var (c, p) in fromKeras) Assert.Equal(p, fromOnnx[c], 1e-5);
    }

    [Fact]
    public void Export_to_a_folder_that_does_not_exist_is_one_line()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "export", "--model", OnnxTestModels.BookModel, "--format", "onnx", "--output", temp.File("missing/m.onnx"));

        AssertOneLineExit2(result, "does not exist");
    }

    [Fact]
    public void Export_of_a_model_that_ends_in_feature_maps_is_one_line_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var spec = new ModelSpec(new TensorShape(28, 28, 1), [new Conv2D("conv2d", 4, 3, Activation.Relu), new MaxPooling2D("max_pooling2d")]);
        OnnxTestModels.WriteCheckpoint(spec, temp.File("features.safetensors"));

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "export", "--model", temp.File("features.safetensors"), "--format", "onnx", "--output", temp.File("f.onnx"));

        AssertOneLineExit2(result, "fashioncnn: features.safetensors: the model ends in (None, 14, 14, 4)");
        Assert.Equal([temp.File("features.safetensors")], Directory.GetFiles(temp.Path));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("text")]
    public void Evaluate_of_a_corrupt_or_foreign_onnx_file_is_one_line(string kind)
    {
        using var temp = new TempFolder();
        byte[] valid = File.ReadAllBytes(_book.Path);
        File.WriteAllBytes(temp.File("bad.onnx"), kind == "truncated" ? valid[..5000] : "<html>not a model</html>"u8.ToArray());

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", temp.File("bad.onnx"), "--out", temp.Path);

        AssertOneLineExit2(result, "fashioncnn: bad.onnx: not an ONNX model");
    }

    [Fact]
    public void Visualize_of_an_onnx_file_asks_for_the_original_model()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "visualize", "--model", _book.Path, "--out", temp.Path);

        AssertOneLineExit2(result, "best-cnn-model.onnx is an ONNX model");
        Assert.Contains("original model", result.Stderr);
    }

    [Fact]
    public void Bench_times_both_engines_in_one_run()
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "bench", "--engine", "onnxruntime", "--architecture", "7-1-logistic-regression",
            "--steps", "3", "--threads", "1", "--device", "cpu", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var engines = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("engines");
        double torchSharp = engines.GetProperty("torchsharp_eval_samples_per_s").GetDouble();
        double onnxRuntime = engines.GetProperty("onnxruntime_eval_samples_per_s").GetDouble();
        Assert.True(torchSharp > 0 && onnxRuntime > 0);
        Assert.Equal(onnxRuntime / torchSharp, engines.GetProperty("onnxruntime_speedup").GetDouble(), 0.01 * onnxRuntime / torchSharp);
        // 7,850 float32 parameters and a small graph.
        Assert.InRange(engines.GetProperty("onnx_bytes").GetInt64(), 7850 * 4, 7850 * 4 + 4096);
    }
}
