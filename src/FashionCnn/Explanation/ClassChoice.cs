namespace FashionCnn.Explanation;

/// <summary>
/// Which class a map explains for each image: the one the model predicted, the image's true class, or one class
/// for every image (a number or a name).
/// </summary>
public sealed record ClassChoice(string Kind, int Fixed)
{
    public const string Predicted = "predicted", True = "true";

    /// <summary>Reads --class: predicted, true, a class number or a class name (any case); anything else lists the choices.</summary>
    public static ClassChoice Parse(string text, IReadOnlyList<string> classNames)
    {
        string given = text.Trim();
        if (string.Equals(given, Predicted, StringComparison.OrdinalIgnoreCase)) return new ClassChoice(Predicted, -1);
        if (string.Equals(given, True, StringComparison.OrdinalIgnoreCase)) return new ClassChoice(True, -1);
        if (int.TryParse(given, out int number) && number >= 0 && number < classNames.Count) return new ClassChoice("class", number);
        for (int c = 0; c < classNames.Count; c++)
            if (string.Equals(classNames[c], given, StringComparison.OrdinalIgnoreCase)) return new ClassChoice("class", c);
        throw new FashionCnnException(
            $"--class {text} is not predicted, true, a class number 0–{classNames.Count - 1} or a class name ({string.Join(", ", classNames)}).");
    }

    /// <summary>The class to explain for an image with this prediction and label (null for a picture without one).</summary>
    public int For(int predicted, int? label) => Kind switch
    {
        Predicted => predicted,
        True => label ?? throw new InvalidOperationException("--class true was not checked against unlabelled inputs"),
        _ => Fixed,
    };

    /// <summary>How titles and file names say it: predicted, true, or the class's name.</summary>
    public string Describe(IReadOnlyList<string> classNames) => Kind == "class" ? classNames[Fixed] : Kind;
}
