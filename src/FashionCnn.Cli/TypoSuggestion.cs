using System.CommandLine;

namespace FashionCnn.Cli;

/// <summary>
/// "did you mean 'train'?" for a word the parser did not know: the closest verb or option of the command it was typed
/// after. System.CommandLine's own suggestions print a block to stdout; the tool's errors are one line on stderr.
/// </summary>
internal static class TypoSuggestion
{
    /// <summary>The name closest to <paramref name="word"/> among the command's verbs (or options, for a word starting with '-'), or null when none is close.</summary>
    public static string? For(string word, Command command)
    {
        var names = word.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        // One slip per five letters, and never more than two: "trian" is train, "frobnicate" is nothing.
        int allowed = Math.Clamp(word.TrimStart('-').Length / 5, 1, 2);
        return names.Select(name => (Name: name, Distance: Distance(word.ToLowerInvariant(), name)))
            .Where(c => c.Distance <= allowed).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).FirstOrDefault();
    }

    /// <summary>Edits (insert, delete, replace, swap two neighbours) from one word to the other: "trian" is one from "train".</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        for (int j = 1; j <= b.Length; j++)
        {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
