namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// A verb refused before it writes anything leaves nothing behind: run from a folder without the data set it says so in
/// one line with no pictures drawn first, and no empty model or output folder is made.
/// </summary>
public class MissingDataTests
{
    private static string BookModel => Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    [Fact]
    public void Visualize_with_no_data_set_writes_no_picture()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("empty"));
        var result = CliRunner.Run(temp.Path, new Dictionary<string, string?> { ["FASHIONCNN_DATA"] = temp.File("empty") },
            "visualize", "--model", BookModel, "--layer", "0", "--out", temp.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("FASHIONCNN_DATA", result.Stderr);
        Assert.False(Directory.Exists(temp.File("out")), "visualize made its --out folder though it wrote nothing");
    }

    [Fact]
    public void A_refused_explain_leaves_no_empty_default_folder()
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run(temp.Path, new Dictionary<string, string?> { ["FASHIONCNN_DATA"] = TestPaths.DataDirectory },
            "explain", "--model", BookModel, "--index", "12000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--index 12000", result.Stderr);
        Assert.False(Directory.Exists(temp.File("models")), "explain left an empty models/explain/ behind");
    }

    [Fact]
    public void Train_with_no_data_set_leaves_no_model_folder()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("empty"));
        var result = CliRunner.Run(temp.Path, new Dictionary<string, string?> { ["FASHIONCNN_DATA"] = temp.File("empty") },
            "train", "--epochs", "1", "--limit", "64");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(temp.File("models")), "train left an empty models/ behind");
    }
}
