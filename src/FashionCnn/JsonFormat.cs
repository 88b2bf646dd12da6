using System.Text.Encodings.Web;
using System.Text.Json;

namespace FashionCnn;

/// <summary>How every JSON file and --json output of this tool is written: indented, and readable as text
/// (no \u escapes for '+' or non-ASCII class names).</summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);
}
