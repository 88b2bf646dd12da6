using FashionCnn.Data;
using FashionCnn.Tests.Data;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// Every kind of bad data a user can bring is one line on stderr and exit code 2, and nothing is written into the
/// data folder; what is merely not an image (hidden files, other files, an image that does not decode) is skipped
/// and counted instead.
/// </summary>
public class OwnDataRefusalTests
{
    private static readonly ImageShape Tiny = new(4, 4, 1);

    private static CliRunner.Result Data(TempFolder temp, string path, params string[] more) =>
        CliRunner.Run(temp.Path, new Dictionary<string, string?> { [DecodedSetCache.EnvironmentVariable] = temp.File("cache") },
            ["data", "--data", path, .. more]);

    /// <summary>Runs data --data PATH and checks the refusal is one line with exit code 2 and the data folder unchanged.</summary>
    private static string Refused(TempFolder temp, string path, params string[] more)
    {
        var before = Listing(path);
        var result = Data(temp, path, more);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(before, Listing(path));
        return result.Stderr;
    }

    private static string[] Listing(string path) => Directory.Exists(path)
        ? Directory.GetFileSystemEntries(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
        : [path];

    private static string Csv(TempFolder temp, params string[] rows)
    {
        string path = temp.File("train.csv");
        File.WriteAllText(path, "label,p1,p2,p3,p4\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    /// <summary>A grey PNG of the given size in FOLDER/cls.</summary>
    private static void Png(string folder, string cls, string name, int height = 4, int width = 4, byte value = 100)
    {
        Directory.CreateDirectory(Path.Combine(folder, cls));
        DataSetWriter.WritePng(Path.Combine(folder, cls, name), Enumerable.Repeat(value, height * width).ToArray(), new ImageShape(height, width, 1));
    }

    /// <summary>
    /// An output anywhere inside the --data folder is refused before anything is read, for every verb and output
    /// option: a picture in a class folder would be one of the data set's images next time, and a user's own image
    /// there can carry the name the tool would give its picture (conv2d-kernels.png is what visualize --layer 0 of the
    /// book's model writes).
    /// </summary>
    [Theory]
    [InlineData("visualize", "--model", "{book}", "--data", "{data}", "--layer", "0", "--out", "{data}/train/bags")]
    [InlineData("evaluate", "--model", "{book}", "--data", "{data}", "--split", "test", "--out", "{data}/test")]
    [InlineData("explain", "--model", "{book}", "--data", "{data}", "--index", "0", "--out", "{data}/train/bags/maps")]
    [InlineData("predict", "--model", "{book}", "--data", "{data}", "--index", "0", "--show-input", "{data}/train/shoes/seen.png")]
    [InlineData("predict", "--model", "{book}", "--data", "{data}", "--index", "0", "--save-probabilities", "{data}/bars.png")]
    [InlineData("train", "--data", "{data}", "--epochs", "1", "--model-dir", "{data}/train/models")]
    public void An_output_inside_the_data_folder_is_refused_and_the_data_set_is_unchanged(params string[] arguments)
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        foreach (string part in new[] { "train", "test" })
            for (int i = 0; i < 4; i++) Png(Path.Combine(data, part), i % 2 == 0 ? "bags" : "shoes", $"{i}.png", 28, 28, (byte)(40 * i));
        Png(Path.Combine(data, "train"), "bags", "conv2d-kernels.png", 28, 28, 7);
        var before = Listing(data).Select(path => (path, File.Exists(path) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))) : "folder")).ToArray();
        string book = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

        var result = CliRunner.Run(temp.Path, new Dictionary<string, string?> { [DecodedSetCache.EnvironmentVariable] = temp.File("cache") },
            arguments.Select(a => a.Replace("{book}", book).Replace("{data}", data).Replace('/', Path.DirectorySeparatorChar)).ToArray());

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains($"lies inside --data {data}", line);
        Assert.Equal(before, Listing(data).Select(path => (path, File.Exists(path) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))) : "folder")).ToArray());
    }

    [Fact]
    public void A_csv_row_with_the_wrong_number_of_values_is_refused_with_file_and_line()
    {
        using var temp = new TempFolder();
        string csv = Csv(temp, "0,1,2,3,4", "1,1,2,3,4", "1,1,2,3");

        string error = Refused(temp, csv);

        Assert.Contains("train.csv line 4: 4 values, the header has 5", error);
    }

    [Theory]
    [InlineData("1,1,256,3,4", "line 3: pixel 2 is 256, outside 0–255")]
    [InlineData("1,1,x,3,4", "line 3: pixel 2 is 'x', not a whole number")]
    [InlineData("1,1,-1,3,4", "line 3: pixel 2 is '-1'")]
    [InlineData("a,1,2,3,4", "line 3: the label is 'a'")]
    public void A_csv_value_that_is_not_a_byte_is_refused_with_file_and_line(string row, string expected)
    {
        using var temp = new TempFolder();
        string csv = Csv(temp, "0,1,2,3,4", row);

        Assert.Contains(expected, Refused(temp, csv));
    }

    [Fact]
    public void A_csv_label_outside_the_named_classes_is_refused()
    {
        using var temp = new TempFolder();
        string csv = Csv(temp, "0,1,2,3,4", "2,1,2,3,4");

        Assert.Contains("line 3: label 2 is outside the 2 classes", Refused(temp, csv, "--class-names", "a,b"));
    }

    [Fact]
    public void A_csv_file_reads_as_a_square_image_with_numbered_classes_and_no_test_part()
    {
        using var temp = new TempFolder();
        string csv = Csv(temp, "0,1,2,3,4", "1,1,2,3,4", "2,9,9,9,9");

        var result = Data(temp, csv);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("2×2 grayscale", result.Stdout);
        Assert.Contains("3 images, split as the book does into 2 training + 1 validation", result.Stdout);
        Assert.Contains("Classes:    3: 0, 1, 2", result.Stdout);
        Assert.Contains("Test:       none", result.Stdout);
    }

    [Fact]
    public void One_class_folder_is_refused()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(data, "cats", "a.png");

        Assert.Contains("one class folder (cats); a classifier needs at least two", Refused(temp, data));
    }

    [Fact]
    public void An_empty_class_folder_is_refused()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(data, "cats", "a.png");
        Directory.CreateDirectory(Path.Combine(data, "dogs"));
        File.WriteAllText(Path.Combine(data, "dogs", "notes.txt"), "no pictures yet");

        Assert.Contains("dogs: an empty class folder", Refused(temp, data));
    }

    [Fact]
    public void Images_of_mixed_sizes_need_image_size_and_then_are_resized()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(data, "cats", "a.png", 4, 4);
        Png(data, "dogs", "b.png", 6, 5);

        string error = Refused(temp, data);
        var resized = Data(temp, data, "--image-size", "3", "3");

        Assert.Contains("differ in size (4×4 in", error);
        Assert.Contains("6×5 in", error);
        Assert.Contains("--image-size H W", error);
        Assert.True(resized.ExitCode == 0, resized.Stderr);
        Assert.Contains("3×3 grayscale", resized.Stdout);
    }

    [Fact]
    public void Train_and_test_parts_with_different_class_folders_are_refused()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(Path.Combine(data, "train"), "cats", "a.png");
        Png(Path.Combine(data, "train"), "dogs", "b.png");
        Png(Path.Combine(data, "test"), "cats", "c.png");
        Png(Path.Combine(data, "test"), "mice", "d.png");

        Assert.Contains("train has the class folders cats, dogs and test has cats, mice", Refused(temp, data));
    }

    [Fact]
    public void A_folder_of_none_of_the_three_kinds_says_what_was_looked_for()
    {
        using var temp = new TempFolder();
        string data = Directory.CreateDirectory(temp.File("stuff")).FullName;
        File.WriteAllText(Path.Combine(data, "readme.txt"), "hello");

        string error = Refused(temp, data);

        Assert.Contains("none of the three kinds", error);
        Assert.Contains("train-images-idx3-ubyte", error);
        Assert.Contains("*train*.csv", error);
        Assert.Contains("class folders", error);
    }

    [Fact]
    public void Hidden_other_and_undecodable_files_are_skipped_and_counted_and_strict_refuses_the_undecodable()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(data, "cats", "a.png");
        Png(data, "cats", "b.png");
        Png(data, "dogs", "c.png");
        Png(data, "dogs", ".hidden.png");
        File.WriteAllText(Path.Combine(data, "dogs", "notes.txt"), "text");
        File.WriteAllText(Path.Combine(data, "dogs", "broken.png"), "not a png");

        var lenient = Data(temp, data);
        string strict = Refused(temp, data, "--strict");

        Assert.True(lenient.ExitCode == 0, lenient.Stderr);
        Assert.Contains("Train:      3 images", lenient.Stdout);
        Assert.Contains("1 hidden, 1 not .png .jpg .jpeg .bmp .gif, 1 that do not decode (first: ", lenient.Stdout);
        Assert.Contains("broken.png", lenient.Stdout);
        Assert.Contains("broken.png: does not decode", strict);
    }

    [Fact]
    public void A_link_leading_outside_the_folder_is_not_followed()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        Png(data, "cats", "a.png");
        Png(data, "dogs", "b.png");
        Png(temp.Path, "elsewhere", "secret.png");
        File.CreateSymbolicLink(Path.Combine(data, "dogs", "secret.png"), temp.File(Path.Combine("elsewhere", "secret.png")));
        File.CreateSymbolicLink(Path.Combine(data, "dogs", "inside.png"), Path.Combine(data, "cats", "a.png"));

        var result = Data(temp, data);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Train:      3 images", result.Stdout);
        Assert.Contains("1 links leading outside the folder", result.Stdout);
    }

    [Fact]
    public void The_test_split_of_data_without_a_test_part_is_refused_in_one_line()
    {
        using var temp = new TempFolder();
        string data = temp.File("photos");
        for (int i = 0; i < 4; i++) Png(data, i % 2 == 0 ? "cats" : "dogs", $"{i}.png", 28, 28);

        var result = CliRunner.Run(temp.Path, new Dictionary<string, string?> { [DecodedSetCache.EnvironmentVariable] = temp.File("cache") },
            "evaluate", "--model", Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5"), "--data", data, "--split", "test", "--out", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("has no test part", result.Stderr);
    }
}
