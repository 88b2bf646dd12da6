using System.Globalization;
using System.Text;

namespace FashionCnn;

/// <summary>
/// Text read from a file (a class name, a layer name, a model's metadata) is shown with its control characters
/// escaped: printed raw, an ESC sequence clears the screen or sets the window title, and a newline forges a line of
/// output. Each control character (C0, DEL, C1, and the line and paragraph separators) becomes \n, \t, \r, \e or \u….
/// </summary>
public static class DisplayText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var shown = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shown.Append(c).Append(text[++i]);
                continue;
            }
            if (!char.IsControl(c) && !char.IsSurrogate(c) && c is not ('\u2028' or '\u2029'))
            {
                shown.Append(c);
                continue;
            }
            // A lone surrogate cannot be written as UTF-8 either: it is shown as its code.
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\u001b' => "\\e",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }
        return shown.ToString();
    }
}
