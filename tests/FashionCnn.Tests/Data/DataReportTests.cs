using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

/// <summary>What <c>fashioncnn data</c> reports, from the library's one call: counts worked from the files the test writes.</summary>
public class DataReportTests
{
    [Fact]
    public void A_csv_set_is_counted_split_as_the_book_splits_and_has_no_checksums_to_match()
    {
        using var temp = new TempFolder();
        var pixels = new byte[10 * 784];
        new Random(3).NextBytes(pixels);
        byte[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
        DataSetWriter.WriteCsv(temp.File("train.csv"), new LabeledImages(pixels, labels));

        var report = DataReport.Of(new DataOptions { Path = temp.File("train.csv") });

        Assert.Equal(10, report.TrainImages);
        // train_test_split(test_size=0.2) of 10: ceil(2.0) = 2 for validation, 8 for training.
        Assert.Equal((8, 2), (report.TrainingImages, report.ValidationImages));
        Assert.Null(report.TestImages);
        Assert.Equal(["0", "1", "2"], report.ClassNames);
        Assert.Null(report.Checksums);
        Assert.True(report.Accepted);
        Assert.Equal("--data", report.FoundBy);
    }

    [Fact]
    public void Fashion_mnist_by_its_folder_has_the_book_split_and_four_published_checksums()
    {
        var report = DataReport.Of(new DataOptions { DataDir = TestPaths.DataDirectory });

        Assert.Equal((60_000, 48_000, 12_000, 10_000), (report.TrainImages, report.TrainingImages, report.ValidationImages, report.TestImages));
        Assert.Equal(FashionMnist.FileNames, report.Checksums!.Select(c => c.FileName.Replace(".gz", "")));
        Assert.All(report.Checksums!, c => Assert.Equal(FashionMnist.PublishedSha256[c.FileName.Replace(".gz", "")], c.Sha256));
        Assert.True(report.Accepted);
    }

    [Fact]
    public void The_validation_split_given_is_the_one_reported_for_fashion_mnist_too()
    {
        var report = DataReport.Of(new DataOptions { DataDir = TestPaths.DataDirectory, ValidationSplit = 0.1 });

        Assert.Equal((54_000, 6_000, 0.1), (report.TrainingImages, report.ValidationImages, report.TestSize));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void A_validation_split_outside_zero_to_one_is_refused_by_the_library_in_one_line(double fraction)
    {
        var error = Assert.Throws<FashionCnnException>(() => DataReport.Of(new DataOptions { DataDir = TestPaths.DataDirectory, ValidationSplit = fraction }));

        Assert.Equal($"--validation-split must be above 0 and below 1 (got {fraction}).", error.Message);
    }
}
