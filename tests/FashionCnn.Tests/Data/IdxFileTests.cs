using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

public class IdxFileTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_plain_or_gzipped_with_shape_and_pixels_in_file_order(bool gzip)
    {
        using var temp = new TempFolder();
        string path = IdxWriter.Images(temp.File("images"), count: 3, gzip: gzip);

        var array = IdxFile.Read(path, IdxFile.ImageMagic);

        Assert.Equal([3, 28, 28], array.Shape);
        Assert.Equal(3 * 784, array.Data.Length);
        Assert.Equal(unchecked((byte)(100 * 7)), array.Data[100]);
    }

    [Fact]
    public void Sha256_is_of_the_decompressed_content()
    {
        using var temp = new TempFolder();
        var plain = IdxFile.Read(IdxWriter.Images(temp.File("a"), 2), IdxFile.ImageMagic);
        var zipped = IdxFile.Read(IdxWriter.Images(temp.File("b.gz"), 2, gzip: true), IdxFile.ImageMagic);

        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(temp.File("a"))));
        Assert.Equal(expected, plain.Sha256);
        Assert.Equal(expected, zipped.Sha256);
    }

    [Fact]
    public void Wrong_magic_number_names_the_file_and_both_numbers()
    {
        using var temp = new TempFolder();
        string path = IdxWriter.Labels(temp.File("labels"), 1, 2, 3);

        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read(path, IdxFile.ImageMagic));

        Assert.Contains("labels:", error.Message);
        Assert.Contains("2049", error.Message);
        Assert.Contains("2051", error.Message);
    }

    [Fact]
    public void Truncated_data_is_an_error_not_a_short_array()
    {
        using var temp = new TempFolder();
        byte[] full = File.ReadAllBytes(IdxWriter.Images(temp.File("full"), 2));
        string path = IdxWriter.Write(temp.File("cut"), full[..^10]);

        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read(path, IdxFile.ImageMagic));

        Assert.Contains("truncated", error.Message);
        Assert.Contains("1568", error.Message);
    }

    [Fact]
    public void Truncated_header_is_an_error()
    {
        using var temp = new TempFolder();
        string path = IdxWriter.Write(temp.File("cut"), [0, 0, 8, 3, 0, 0]);

        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read(path, IdxFile.ImageMagic));

        Assert.Contains("header", error.Message);
    }

    [Fact]
    public void A_forged_huge_count_is_rejected_before_any_allocation_of_that_size()
    {
        using var temp = new TempFolder();
        string path = IdxWriter.Write(temp.File("forged"), IdxWriter.Bytes(0x0803, [int.MaxValue, 28, 28], new byte[784]));

        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read(path, IdxFile.ImageMagic));

        Assert.Contains("more data", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        string path = IdxWriter.Write(temp.File("bad.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]);

        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read(path, IdxFile.ImageMagic));

        Assert.StartsWith("bad.gz:", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        var error = Assert.Throws<FashionCnnException>(() => IdxFile.Read("/nonexistent/labels", IdxFile.LabelMagic));
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var temp = new TempFolder();
        var images = IdxFile.Read(IdxWriter.Images(temp.File("images"), 3), IdxFile.ImageMagic);
        var labels = IdxFile.Read(IdxWriter.Labels(temp.File("labels"), 1, 2), IdxFile.LabelMagic);

        var error = Assert.Throws<FashionCnnException>(() => FashionMnist.Validate(images, labels));

        Assert.Contains("2 labels for the 3 images", error.Message);
    }

    [Fact]
    public void Label_10_is_outside_the_ten_classes()
    {
        using var temp = new TempFolder();
        var images = IdxFile.Read(IdxWriter.Images(temp.File("images"), 3), IdxFile.ImageMagic);
        var labels = IdxFile.Read(IdxWriter.Labels(temp.File("labels"), 9, 10, 0), IdxFile.LabelMagic);

        var error = Assert.Throws<FashionCnnException>(() => FashionMnist.Validate(images, labels));

        Assert.Contains("label 10 at index 1", error.Message);
    }

    [Fact]
    public void Images_must_be_28_by_28()
    {
        using var temp = new TempFolder();
        var images = IdxFile.Read(IdxWriter.Images(temp.File("images"), 2, rows: 32, cols: 32), IdxFile.ImageMagic);
        var labels = IdxFile.Read(IdxWriter.Labels(temp.File("labels"), 1, 2), IdxFile.LabelMagic);

        var error = Assert.Throws<FashionCnnException>(() => FashionMnist.Validate(images, labels));

        Assert.Contains("32×32", error.Message);
    }
}
