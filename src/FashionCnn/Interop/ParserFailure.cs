using System.Reflection;

namespace FashionCnn.Interop;

/// <summary>
/// Tells a malformed file from a bug. A third-party parser (PureHDF, the zip reader, the pickle reader) that
/// meets bytes it cannot make sense of throws from its own code, with whatever exception type it likes (PureHDF
/// throws plain <see cref="Exception"/> for a missing part); that is the file's fault and becomes one sentence
/// naming the file. An exception thrown by this tool's own code is a bug and keeps its stack trace.
/// Out of memory follows the same rule, by where it was thrown: a parser that cannot allocate what a size field of
/// the file asked for (a forged field the size checks before it could not see) refuses the file; memory running out
/// in this tool's own code is the machine's failure (exit 1 in the command line).
/// </summary>
internal static class ParserFailure
{
    /// <summary>Whether <paramref name="e"/> was thrown inside one of <paramref name="parsers"/>, or is the malformed-data exception they share.</summary>
    public static bool IsFrom(Exception e, params Assembly[] parsers)
    {
        if (e is InvalidDataException) return true;
        var thrower = e.TargetSite?.DeclaringType?.Assembly;
        if (thrower is null) return false;
        // A BCL method called by the parser (a stream read, an array copy) throws on its behalf: look one frame up.
        if (thrower == typeof(object).Assembly)
            thrower = new System.Diagnostics.StackTrace(e).GetFrames().Select(f => f.GetMethod()?.DeclaringType?.Assembly)
                .FirstOrDefault(a => a is not null && a != typeof(object).Assembly);
        return thrower is not null && parsers.Contains(thrower);
    }

    /// <summary>The first line of the parser's message, without its final full stop.</summary>
    public static string Reason(Exception e) => e is OutOfMemoryException
        ? "a size field in it is impossible"
        : e.Message.Split('\n')[0].TrimEnd('.', ' ');
}
