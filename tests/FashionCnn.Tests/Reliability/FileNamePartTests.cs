using FashionCnn.Files;

namespace FashionCnn.Tests.Reliability;

/// <summary>Text from a model or data file, made into part of a file name: never a separator, never . or .., never long.</summary>
public class FileNamePartTests
{
    public static TheoryData<string> Hostile() => new()
    {
        "../../outside", "/etc/cron.d/job", "..", ".", "", "  ", "a\\b", "C:\\Windows\\x", "conv2d.v2", ".hidden",
        "\u001b]0;title\u0007\u001b[2J", "line\nbreak", "nul\0byte", "\ud800", "T-shirt/top", "名前", new string('x', 5000),
        new string('.', 300), "./..", "~root",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Any_text_becomes_a_short_name_inside_its_folder(string text)
    {
        string part = FileNamePart.From(text);

        Assert.Matches("^[A-Za-z0-9_-][A-Za-z0-9._-]*$", part);
        Assert.InRange(part.Length, 1, FileNamePart.MaxLength);
        Assert.NotEqual(".", part);
        Assert.NotEqual("..", part);
        string folder = Path.Combine(Path.GetTempPath(), "out");
        Assert.Equal(folder, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(folder, part + "-kernels.png"))));
    }

    [Theory]
    [InlineData("conv2d_1", "conv2d_1")]
    [InlineData("dense-2", "dense-2")]
    [InlineData("T-shirt/top", "T-shirt_top")]
    [InlineData("../x", "_.._x")]
    public void A_name_that_is_already_safe_is_kept_and_others_are_readable(string text, string expected) =>
        Assert.Equal(expected, FileNamePart.From(text));
}
