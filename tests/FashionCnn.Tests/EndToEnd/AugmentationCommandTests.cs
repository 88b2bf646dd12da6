using FashionCnn.Checkpoints;
using FashionCnn.Tests.Data;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// The bundled 8-2-cnn-plus (augmentation layers, BatchNormalization) through the real executable: it trains, its
/// augmentation never acts outside training (evaluate twice gives the same bytes), and visualize --augmentations draws it.
/// </summary>
public class AugmentationCommandTests
{
    [Fact]
    public void The_augmented_recipe_trains_evaluates_the_same_twice_and_draws_its_augmentations()
    {
        using var temp = new TempFolder();
        // A small Kaggle-style copy of Fashion-MNIST (1,000 training and 500 test images) keeps the run short.
        string data = DataSetWriter.WriteSmallFashionCsv(temp.File("data"), train: 1_000, test: 500);
        string models = temp.File("models");
        var train = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--architecture", "8-2-cnn-plus", "--epochs", "1", "--limit", "256",
            "--device", "cpu", "--no-report", "--data", data, "--model-dir", models);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("Model:   8-2-cnn-plus, 256,438 parameters", train.Stdout);
        string checkpoint = Path.Combine(models, Checkpoint.FileName);

        string[] evaluate = ["evaluate", "--model", checkpoint, "--data", data, "--split", "test", "--out", temp.File("eval")];
        var first = CliRunner.Run(TestPaths.RepositoryRoot, evaluate);
        byte[] matrix = File.ReadAllBytes(Directory.GetFiles(temp.File("eval"), "*confusion-matrix.png").Single());
        var second = CliRunner.Run(TestPaths.RepositoryRoot, evaluate);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("(500 images)", first.Stdout);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(matrix, File.ReadAllBytes(Directory.GetFiles(temp.File("eval"), "*confusion-matrix.png").Single()));

        var draw = CliRunner.Run(TestPaths.RepositoryRoot, "visualize", "--augmentations", "--model", checkpoint, "--data", data, "--sample", "3",
            "--out", temp.File("vis"));
        Assert.True(draw.ExitCode == 0, draw.Stderr);
        Assert.Contains("Augmentation of train-input[3]: random_flip (RandomFlip) → random_translation (RandomTranslation), 15 draws, seed 42", draw.Stdout);
        PngAssert.DecodesAndIsNotBlank(temp.File(Path.Combine("vis", "augmentations-train-input-3.png")));
    }

    [Fact]
    public void Visualize_augmentations_of_a_model_without_them_is_one_line_and_exit_2()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "visualize", "--augmentations", "--model",
            Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5"), "--out", temp.File("vis"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("fashioncnn: best-cnn-model.h5 has no augmentation layers (RandomFlip, RandomTranslation, RandomRotation, RandomZoom, RandomContrast); "
            + "--augmentations draws what they do in training.", result.Stderr.Trim());
        Assert.False(Directory.Exists(temp.File("vis")));
    }
}
