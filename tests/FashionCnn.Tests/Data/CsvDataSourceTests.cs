using FashionCnn.Data;

namespace FashionCnn.Tests.Data;

/// <summary>
/// Rows of plain numbers and rows a spreadsheet wrote with spaces, quotes, leading zeros and Windows line ends hold
/// the same image: the fast reading of plain rows and the field-by-field reading of the others agree.
/// </summary>
public class CsvDataSourceTests
{
    private static LabeledImages Read(TempFolder temp, string text)
    {
        string path = temp.File("train.csv");
        File.WriteAllText(path, text);
        return CsvDataSource.Read(path, null, new DataOptions { Path = path }).Train;
    }

    [Fact]
    public void Plain_rows_and_rows_with_spaces_quotes_zeros_and_crlf_hold_the_same_pixels()
    {
        using var temp = new TempFolder();

        var plain = Read(temp, "label,p1,p2,p3,p4\n3,0,17,255,9\n1,200,1,2,30\n");
        var written = Read(temp, "label,p1,p2,p3,p4\r\n\"3\", 0 ,017,\"255\",9\r\n1,0200,\t1,2,30\r\n");

        Assert.Equal(new byte[] { 3, 1 }, plain.Labels);
        Assert.Equal(new byte[] { 0, 17, 255, 9, 200, 1, 2, 30 }, plain.Pixels);
        Assert.Equal(plain.Labels, written.Labels);
        Assert.Equal(plain.Pixels, written.Pixels);
    }

    [Theory]
    [InlineData("1,1,2,3,4,", "line 2: 6 values, the header has 5")]
    [InlineData("1,1,2,3", "line 2: 4 values, the header has 5")]
    [InlineData("1,1,2,3,1000", "line 2: pixel 4 is 1000, outside 0–255")]
    [InlineData("1,1,,3,4", "line 2: pixel 2 is '', not a whole number")]
    public void A_row_the_fast_reading_cannot_take_is_refused_naming_its_line(string row, string expected)
    {
        using var temp = new TempFolder();

        var error = Assert.Throws<FashionCnnException>(() => Read(temp, "label,p1,p2,p3,p4\n" + row + "\n"));

        Assert.Contains(expected, error.Message);
    }
}
