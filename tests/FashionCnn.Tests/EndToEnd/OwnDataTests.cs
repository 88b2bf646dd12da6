using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Tests.Data;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// Fashion-MNIST written out in the layouts users bring — Kaggle-style CSV files and a folder of PNGs in class
/// folders — must give the book's own checkpoint exactly what the IDX files give it: the numbers the book printed.
/// </summary>
internal sealed class OwnDataFixture : IDisposable
{
    public TempFolder Folder { get; } = new();

    public BookSplits Idx { get; } = BookSplits.Load(new DataOptions { DataDir = TestPaths.DataDirectory });

    /// <summary>fashion-mnist_train.csv and fashion-mnist_test.csv, as Kaggle names them.</summary>
    public string CsvFolder => Lazy(ref _csv, "kaggle", path =>
    {
        DataSetWriter.WriteCsv(Path.Combine(path, "fashion-mnist_train.csv"), Idx.Parts.Train);
        DataSetWriter.WriteCsv(Path.Combine(path, "fashion-mnist_test.csv"), Idx.Test);
    });

    /// <summary>The 10,000 test images as grey PNGs in class folders named so that their ordinal order is the label order; a small train part beside them.</summary>
    public string PngFolder => Lazy(ref _png, "pngs", path =>
    {
        DataSetWriter.WritePngFolder(Path.Combine(path, "test"), Idx.Test, ClassFolders);
        DataSetWriter.WritePngFolder(Path.Combine(path, "train"), Idx.Parts.Train.Take(300), ClassFolders);
    });

    public static readonly IReadOnlyList<string> ClassFolders =
        FashionClasses.Names.Select((name, i) => $"{i}-{name.Replace('/', '-')}").ToList();

    /// <summary>Decoded folders are cached here, not in the user's cache.</summary>
    public Dictionary<string, string?> Environment => new() { [DecodedSetCache.EnvironmentVariable] = Path.Combine(Folder.Path, "cache") };

    private string? _csv, _png;
    private readonly Lock _gate = new();

    private string Lazy(ref string? field, string name, Action<string> write)
    {
        lock (_gate)
        {
            if (field is null)
            {
                string path = Directory.CreateDirectory(Folder.File(name)).FullName;
                write(path);
                field = path;
            }
            return field;
        }
    }

    public void Dispose() => Folder.Dispose();
}

public class OwnDataTests
{
    /// <summary>One fixture for the class: writing 70,000 images as CSV and 10,300 as PNGs takes seconds, reading them too.</summary>
    private static readonly Lazy<OwnDataFixture> Shared = new(() => new OwnDataFixture());

    private static OwnDataFixture fixture => Shared.Value;

    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    private JsonElement Evaluate(string data, string split)
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run(TestPaths.RepositoryRoot, fixture.Environment,
            "evaluate", "--model", BookModel, "--data", data, "--split", split, "--json", "--out", temp.Path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Fact]
    public void Kaggle_style_csv_files_hold_the_same_images_and_split_as_the_idx_files()
    {
        var csv = BookSplits.Load(new DataOptions { Path = fixture.CsvFolder });

        Assert.Equal("CSV", csv.Parts.Kind);
        Assert.Equal(ImageShape.FashionMnist, csv.Shape);
        foreach (var split in new[] { DataSplit.Val, DataSplit.Train, DataSplit.Test, DataSplit.TrainInput })
        {
            Assert.Equal(fixture.Idx[split].Labels, csv[split].Labels);
            Assert.Equal(fixture.Idx[split].Pixels, csv[split].Pixels);
        }
        Assert.Equal(12_000, csv.Validation.Count);
    }

    [Theory]
    [InlineData("val", 11065, 12000, 0.2157203)]
    [InlineData("test", 9168, 10000, 0.2362870)]
    public void The_books_h5_on_kaggle_style_csv_gives_the_numbers_the_book_printed(string split, int correct, int count, double loss)
    {
        var json = Evaluate(fixture.CsvFolder, split);

        Assert.Equal(correct, json.GetProperty("correct").GetInt32());
        Assert.Equal(count, json.GetProperty("count").GetInt32());
        Assert.Equal(loss, json.GetProperty("loss").GetDouble(), 0.0005);
    }

    [Fact]
    public void The_books_h5_on_the_test_images_as_a_folder_of_pngs_gives_the_number_the_book_printed()
    {
        var json = Evaluate(fixture.PngFolder, "test");

        Assert.Equal(9168, json.GetProperty("correct").GetInt32());
        Assert.Equal(10000, json.GetProperty("count").GetInt32());
        Assert.Equal(0.2362870, json.GetProperty("loss").GetDouble(), 0.0005);
    }

    [Fact]
    public void A_png_folder_decodes_to_the_idx_pixels_and_a_second_read_comes_from_the_cache()
    {
        var options = new DataOptions { Path = fixture.PngFolder, CacheDir = Path.Combine(fixture.Folder.Path, "library-cache") };

        var first = BookSplits.Load(options);
        var second = BookSplits.Load(options);

        Assert.Equal("folder of class folders", first.Parts.Kind);
        Assert.False(first.Parts.FromCache);
        Assert.True(second.Parts.FromCache);
        Assert.Equal(ImageShape.FashionMnist, first.Shape);
        Assert.Equal(OwnDataFixture.ClassFolders, first.ClassNames);
        // Class by class, each class's files in name order: the IDX indices sorted by label, then by index.
        var idx = fixture.Idx.Test;
        var order = Enumerable.Range(0, idx.Count).OrderBy(i => idx.Labels[i]).ThenBy(i => i).ToList();
        Assert.Equal(idx.Select(order).Pixels, first.Test.Pixels);
        Assert.Equal(idx.Select(order).Labels, first.Test.Labels);
        Assert.Equal(first.Test.Pixels, second.Test.Pixels);
        Assert.Equal(first.Train.Labels, second.Train.Labels);
    }
}
