using System.CommandLine;

namespace FashionCnn.Cli.Commands;

/// <summary>Parse-time checks, so a bad value is a one-line error before anything is loaded.</summary>
internal static class OptionRules
{
    public static Option<T> AtLeast<T>(this Option<T> option, T minimum) where T : IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out T? value) && value!.CompareTo(minimum) < 0)
                result.AddError($"{option.Name} must be at least {minimum} (got {value})");
        });
        return option;
    }

    public static Option<T> Between<T>(this Option<T> option, T minimum, T maximum) where T : IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out T? value) && (value!.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0))
                result.AddError($"{option.Name} must be between {minimum} and {maximum} (got {value})");
        });
        return option;
    }

    /// <summary>
    /// An optional number: when given, it must be finite and not negative. 0 passes here for the one place it means something
    /// (a cosine schedule that warms up from 0, as Keras' example does); wherever else, the library refuses it.
    /// </summary>
    public static Option<double?> NotNegativeIfGiven(this Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out double? value) && value is double v && !(v >= 0 && double.IsFinite(v)))
                result.AddError($"{option.Name} must be a positive number (got {v})");
        });
        return option;
    }

    /// <summary>An optional whole number: when given, at least <paramref name="minimum"/>.</summary>
    public static Option<int?> AtLeastIfGiven(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out int? value) && value is int v && v < minimum)
                result.AddError($"{option.Name} must be at least {minimum} (got {v})");
        });
        return option;
    }

    // A value that does not convert (--epochs ten) already carries the parser's own error; the rule has nothing to add.
    private static bool TryGetValue<T>(System.CommandLine.Parsing.OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
