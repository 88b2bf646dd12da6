using System.Text;

namespace FashionCnn.Files;

/// <summary>
/// The one way text read from a file (a layer name, a class name, an input name) becomes part of a file name. A model
/// or data set can carry any text, including <c>/</c>, <c>..</c>, an absolute path or control characters; built into a
/// path unfiltered it would write outside the folder the user gave. So only letters, digits, <c>_</c>, <c>-</c> and
/// <c>.</c> of ASCII are kept (others become <c>_</c>), the length is capped, and the result never starts with a dot,
/// so it is never <c>.</c>, <c>..</c> or a hidden file, and never empty.
/// </summary>
public static class FileNamePart
{
    /// <summary>Keras' own layer names are under 40 characters; the cap leaves room for a file name's other parts within 255 bytes.</summary>
    public const int MaxLength = 64;

    public static string From(string? text)
    {
        var safe = new StringBuilder(Math.Min(text?.Length ?? 0, MaxLength));
        foreach (char c in text ?? "")
        {
            if (safe.Length == MaxLength) break;
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }
        if (safe.Length == 0 || safe[0] == '.') safe.Insert(0, '_');
        if (safe.Length > MaxLength) safe.Length = MaxLength;
        return safe.ToString();
    }
}
