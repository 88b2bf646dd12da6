using System.Text.Json;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// The book author's own Keras checkpoints, evaluated through the real executable. Expected numbers: what the
/// book printed for best-cnn-model.h5 (models/book/README.md), and for the Keras 3 .keras file what
/// PyTorch 1.13 computes from its weights with h5py (the file's README gives no numbers for it).
/// </summary>
public class EvaluateCommandTests
{
    private static readonly string KerasFolder = Path.Combine(TestPaths.RepositoryRoot, "models", "book");

    private static JsonElement Evaluate(string model, string split, string outDir)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", model, "--split", split, "--json", "--out", outDir);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Theory]
    [InlineData("val", 11065, 12000, 0.2157203)]
    [InlineData("test", 9168, 10000, 0.2362870)]
    public void The_books_h5_gives_the_numbers_the_book_printed(string split, int correct, int count, double loss)
    {
        using var temp = new TempFolder();

        var json = Evaluate(Path.Combine(KerasFolder, "best-cnn-model.h5"), split, temp.Path);

        Assert.Equal(split, json.GetProperty("split").GetString());
        Assert.Equal(correct, json.GetProperty("correct").GetInt32());
        Assert.Equal(count, json.GetProperty("count").GetInt32());
        Assert.Equal(loss, json.GetProperty("loss").GetDouble(), 0.0005);
        Assert.Equal((double)correct / count, json.GetProperty("accuracy").GetDouble(), 9);

        var matrix = json.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(10, matrix.Length);
        Assert.Equal(count, matrix.Sum(r => r.Sum()));
        Assert.Equal(correct, Enumerable.Range(0, 10).Sum(i => matrix[i][i]));
        var perClass = json.GetProperty("per_class").EnumerateArray().ToList();
        Assert.Equal(count, perClass.Sum(c => c.GetProperty("support").GetInt32()));
        Assert.Equal("Ankle boot", perClass[9].GetProperty("name").GetString());
        Assert.Equal((double)matrix[6][6] / matrix[6].Sum(), perClass[6].GetProperty("recall").GetDouble(), 9);

        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, $"best-cnn-model-{split}-confusion-matrix.png"));
        PngAssert.DecodesAndIsNotBlank(Path.Combine(temp.Path, $"best-cnn-model-{split}-misclassified.png"));
    }

    [Fact]
    public void The_books_keras_3_file_loads_and_evaluates()
    {
        using var temp = new TempFolder();

        var json = Evaluate(Path.Combine(KerasFolder, "best-cnn-model.keras"), "val", temp.Path);

        Assert.Equal("Keras 3.4.1 .keras", json.GetProperty("format").GetString());
        Assert.Equal(11041, json.GetProperty("correct").GetInt32());
        Assert.Equal(0.2192559, json.GetProperty("loss").GetDouble(), 0.0005);
    }

    [Fact]
    public void Exported_pt_of_the_books_model_evaluates_to_the_same_numbers()
    {
        using var temp = new TempFolder();
        var export = CliRunner.Run(TestPaths.RepositoryRoot, "export", "--model", Path.Combine(KerasFolder, "best-cnn-model.h5"),
            "--format", "pt", "--output", temp.File("book.pt"));
        Assert.True(export.ExitCode == 0, export.Stderr);

        var json = Evaluate(temp.File("book.pt"), "val", temp.Path);

        Assert.Equal(11065, json.GetProperty("correct").GetInt32());
    }

    [Fact]
    public void A_corrupt_model_is_one_line_with_exit_code_2()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("broken.h5"), File.ReadAllBytes(Path.Combine(KerasFolder, "best-cnn-model.h5"))[..5000]);

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", temp.File("broken.h5"), "--out", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("fashioncnn: broken.h5:", result.Stderr);
    }
}
