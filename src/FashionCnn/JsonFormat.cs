using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FashionCnn;

/// <summary>How every JSON file and --json output of this tool is written: indented, and readable as text
/// (no \u escapes for '+' or non-ASCII class names); and how JSON from files is read: strictly.</summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A repeated key is an error at parse time (by default JsonObject would fail later, on first access).</summary>
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);

    /// <summary>Parses JSON that came from a file; malformed text or a repeated key throws <see cref="JsonException"/>.</summary>
    public static JsonNode? ParseStrict(string json) => JsonNode.Parse(json, documentOptions: Strict);
}
