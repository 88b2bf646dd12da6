namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// Run from a folder without the data set, a verb that needs it says so in one line before it writes anything: no
/// pictures drawn first, no empty model folder left behind.
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
        Assert.Empty(Directory.Exists(temp.File("out")) ? Directory.GetFileSystemEntries(temp.File("out")) : []);
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
