namespace FashionCnn;

/// <summary>
/// The one table of how an enum's values are spelled on the command line and in the files the tool writes: the CLI lists
/// <see cref="Names"/> as an option's choices and reads them back with <see cref="Parse"/>, and the library writes
/// <see cref="Name"/>. Every value has exactly one name, checked when the table is made.
/// </summary>
public sealed class Spelling<T> where T : struct, Enum
{
    private readonly (string Name, T Value)[] _table;
    private readonly string _option;

    /// <param name="option">The option the values are given with, for the error message.</param>
    public Spelling(string option, params (string Name, T Value)[] table)
    {
        var missing = Enum.GetValues<T>().Where(v => table.Count(row => row.Value.Equals(v)) != 1).ToList();
        if (missing.Count > 0 || table.Select(row => row.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != table.Length)
            throw new InvalidOperationException($"{option}: every {typeof(T).Name} needs one name of its own ({string.Join(", ", missing)})");
        (_option, _table) = (option, table);
    }

    public IReadOnlyList<string> Names => _table.Select(row => row.Name).ToList();

    public string Name(T value) => _table.First(row => row.Value.Equals(value)).Name;

    /// <summary>The value spelled <paramref name="name"/> in any case, or the one-line refusal naming the option and every spelling.</summary>
    public T Parse(string name) =>
        _table.FirstOrDefault(row => string.Equals(row.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } row
            ? row.Value
            : throw new FashionCnnException($"{_option} must be {string.Join(", ", Names.SkipLast(1))} or {Names[^1]} (got {name}).");
}
