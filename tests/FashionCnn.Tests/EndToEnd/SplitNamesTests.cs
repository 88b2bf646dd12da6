using System.Text.Json;
using FashionCnn.Data;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// One meaning per split name in every verb: train = the book's 48,000 after train_test_split (its train_scaled),
/// train-input = the 60,000 in file order (its train_input, which chapter 8-3 draws from).
/// </summary>
public class SplitNamesTests
{
    private static JsonElement Predict(string split, int index)
    {
        var result = CliRunner.Run(TestPaths.RepositoryRoot, "predict", "--index", index.ToString(), "--split", split,
            "--model", Path.Combine("models", "book", "best-cnn-model.h5"), "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement[0];
    }

    [Fact]
    public void Train_is_the_books_48000_in_split_order_and_train_input_the_file_order()
    {
        // scikit-learn's split puts image 48572 of the file first in the training part (ValidationSplitTests'
        // golden values); the file's first image is the ankle boot of the book's figures.
        var data = FashionMnist.Load(TestPaths.DataDirectory);
        int firstOfTrain = ValidationSplit.Create(60_000).TrainIndices[0];
        Assert.Equal(48572, firstOfTrain);

        var train = Predict("train", 0);
        var trainInput = Predict("train-input", 0);

        Assert.Equal("train[0]", train.GetProperty("input").GetString());
        Assert.Equal(data.Train.Labels[firstOfTrain], train.GetProperty("label").GetProperty("class").GetInt32());
        Assert.Equal("train-input[0]", trainInput.GetProperty("input").GetString());
        Assert.Equal(9, data.Train.Labels[0]);
        Assert.Equal("Ankle boot", trainInput.GetProperty("label").GetProperty("name").GetString());
    }

    [Fact]
    public void Visualize_draws_the_books_ankle_boot_by_default()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "visualize", "--model", Path.Combine("models", "book", "best-cnn-model.h5"), "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(temp.Path, "sample-train-input-0.png")));
        Assert.Contains("feature-maps-train-input-0.png", result.Stdout);
    }

    [Fact]
    public void Evaluating_val_then_test_into_one_folder_keeps_both_pictures()
    {
        using var temp = new TempFolder();
        string model = Path.Combine("models", "book", "best-cnn-model.h5");

        foreach (string split in new[] { "val", "test" })
        {
            var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", model, "--split", split, "--out", temp.Path);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains($"best-cnn-model-{split}-confusion-matrix.png", result.Stdout);
        }

        Assert.Equal(
            ["best-cnn-model-test-confusion-matrix.png", "best-cnn-model-test-misclassified.png", "best-cnn-model-val-confusion-matrix.png", "best-cnn-model-val-misclassified.png"],
            Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(temp.Path, "best-cnn-model-val-confusion-matrix.png")),
            File.ReadAllBytes(Path.Combine(temp.Path, "best-cnn-model-test-confusion-matrix.png")));
    }
}
