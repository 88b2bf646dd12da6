using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FashionCnn;

/// <summary>How every JSON file and --json output of this tool is written: indented, and readable as text
/// (no \u escapes for '+' or non-ASCII class names); and how JSON from files is read: strictly.
/// JSON has no NaN or infinity: a number that is not finite (a diverged loss, the output of a model with NaN weights)
/// is written as <c>null</c>, and <c>null</c> reads back as NaN, so that no writer fails on a value it was given.</summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new NonFiniteAsNull(), new NonFiniteSingleAsNull() },
    };

    /// <summary>The same on one line, for JSON inside a file's metadata.</summary>
    public static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    public static string SerializeCompact<T>(T value) => JsonSerializer.Serialize(value, Compact);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Indented);

    /// <summary>A repeated key is an error at parse time (by default JsonObject would fail later, on first access).</summary>
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);

    /// <summary>Parses JSON that came from a file; malformed text or a repeated key throws <see cref="JsonException"/>.</summary>
    public static JsonNode? ParseStrict(string json)
    {
        var root = JsonNode.Parse(json, documentOptions: Strict);
        RequireValidText(root);
        return root;
    }

    /// <summary>
    /// JSON may escape a lone surrogate (<c>"\ud800"</c>), which no .NET string can hold as text: reading it later throws
    /// InvalidOperationException wherever it is used. Every string and key is read once here, so such a file is a
    /// <see cref="JsonException"/> at parse time, like any other malformed JSON.
    /// </summary>
    private static void RequireValidText(JsonNode? node)
    {
        try
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (!IsValidText(key)) throw new JsonException($"the key \"{DisplayText.Escape(key)}\" is not valid Unicode text (a lone surrogate)");
                        RequireValidText(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a) RequireValidText(item);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    if (!IsValidText(v.GetValue<string>())) throw new JsonException("a string is not valid Unicode text (a lone surrogate)");
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException("a string is not valid Unicode text (a lone surrogate)", e);
        }
    }

    private static bool IsValidText(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}

/// <summary>A double as JSON, <c>null</c> when it is NaN or infinite (see <see cref="JsonFormat"/>).</summary>
internal sealed class NonFiniteAsNull : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}

/// <summary>A float as JSON, <c>null</c> when it is NaN or infinite.</summary>
internal sealed class NonFiniteSingleAsNull : JsonConverter<float>
{
    public override bool HandleNull => true;

    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? float.NaN : reader.GetSingle();

    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
    {
        if (float.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
