using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

public class DataDirectoryTests
{
    private static void CreateData(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in FashionMnist.FileNames) File.WriteAllBytes(Path.Combine(folder, name + ".gz"), []);
    }

    [Fact]
    public void Data_dir_option_wins_over_environment_and_current_folder()
    {
        using var temp = new TempFolder();
        CreateData(temp.File("option"));
        CreateData(temp.File("env"));
        CreateData(Path.Combine(temp.Path, "data", "fashion-mnist"));

        var location = DataDirectory.Locate(temp.File("option"), temp.File("env"), temp.Path);

        Assert.Equal(temp.File("option"), location.Directory);
        Assert.Equal("--data-dir", location.Source);
    }

    [Fact]
    public void Environment_variable_wins_over_current_folder()
    {
        using var temp = new TempFolder();
        CreateData(temp.File("env"));
        CreateData(Path.Combine(temp.Path, "data", "fashion-mnist"));

        var location = DataDirectory.Locate(null, temp.File("env"), temp.Path);

        Assert.Equal(temp.File("env"), location.Directory);
    }

    [Fact]
    public void Repository_folder_is_used_when_nothing_is_given()
    {
        using var temp = new TempFolder();
        CreateData(Path.Combine(temp.Path, "data", "fashion-mnist"));

        var location = DataDirectory.Locate(null, null, temp.Path);

        Assert.Equal(Path.Combine(temp.Path, "data", "fashion-mnist"), location.Directory);
    }

    [Fact]
    public void A_wrong_data_dir_is_an_error_naming_what_is_missing_not_a_fallback()
    {
        using var temp = new TempFolder();
        CreateData(Path.Combine(temp.Path, "data", "fashion-mnist"));
        Directory.CreateDirectory(temp.File("empty"));

        var error = Assert.Throws<FashionCnnException>(() => DataDirectory.Locate(temp.File("empty"), null, temp.Path));

        Assert.Contains("--data-dir", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void Nothing_found_says_where_it_looked()
    {
        using var temp = new TempFolder();
        if (Directory.Exists(DataDirectory.DebianFolder)) return; // this machine has Debian's package: the fallback would find it

        var error = Assert.Throws<FashionCnnException>(() => DataDirectory.Locate(null, null, temp.Path));

        Assert.Contains("FASHIONCNN_DATA", error.Message);
        Assert.Contains(Path.Combine(temp.Path, "data/fashion-mnist"), error.Message);
        Assert.Contains(DataDirectory.DebianFolder, error.Message);
        Assert.Contains("fashioncnn data download --to DIR", error.Message);
    }
}
