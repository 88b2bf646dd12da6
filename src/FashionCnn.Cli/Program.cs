using System.CommandLine;
using FashionCnn;
using FashionCnn.Cli;
using FashionCnn.Cli.Commands;

// The command line only parses options, calls one library entry point per verb and prints its result.
// Nothing here touches TorchSharp, so help and parse errors come back without loading libtorch.
var (root, verbose) = CommandTree.Create();

if (args.Length == 0)
{
    // No verb is a usage error: show what there is, and say so with the exit code.
    root.Parse(["--help"]).Invoke();
    return ExitCodes.BadInput;
}
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line for the user, like any Unix tool, rather than the errors followed by the whole help page.
    // An unknown word explains more than the "required command" error it causes, so it goes first.
    var error = parsed.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();
    string command = string.Join(' ', CommandPath(parsed.CommandResult));
    string option = error.SymbolResult switch
    {
        System.CommandLine.Parsing.OptionResult o => o.Option.Name,
        System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
        _ => "",
    };
    string message = OneLine(error.Message);
    if (option != "" && !message.Contains(option, StringComparison.Ordinal)) message = $"{option}: {message}";
    if (parsed.UnmatchedTokens.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal)) is { } unknown
        && TypoSuggestion.For(unknown, parsed.CommandResult.Command) is { } suggestion)
        message += $"; did you mean '{suggestion}'?";
    Console.Error.WriteLine($"fashioncnn: {message} (see '{command} --help').");
    return ExitCodes.BadInput;
}

// One error policy for every verb: a problem with the input is one line and exit code 2; a failure of the
// machine (disk full, out of memory, libtorch failing) one line and exit code 1; --verbose adds the stack
// trace. Anything else is a bug and keeps its stack trace.
// Memory follows the same rule: every size a file or an option declares is checked against a stated limit
// before anything is allocated for it (exit 2); a parser that still fails to allocate for a size field of a file
// is that file's fault (exit 2, see Interop/ParserFailure); memory running out anywhere else is the machine (exit 1).
bool showTrace = parsed.GetValue(verbose);
LibTorchLog.ShowWarnings = showTrace;
PendingWrites.ReportBrokenHardLinks();
if (parsed.CommandResult.Command.Name != "train") PendingWrites.DeleteOnSignal();
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (FashionCnnException e)
{
    Console.Error.WriteLine($"fashioncnn: {DisplayText.Escape(e.Message)}");
    if (showTrace) Console.Error.WriteLine(e);
    return ExitCodes.BadInput;
}
catch (Exception e) when (e is RuntimeFailureException or IOException or UnauthorizedAccessException or OutOfMemoryException
                              or System.Runtime.InteropServices.ExternalException)
{
    string details = showTrace || e is RuntimeFailureException ? "" : " (--verbose shows details)";
    string message = e.Message.Split('\n')[0].TrimEnd('.');
    if (e is OutOfMemoryException) message = "out of memory: this machine could not give the run the memory it needed";
    Console.Error.WriteLine($"fashioncnn: {DisplayText.Escape(message)}{details}.");
    if (showTrace) Console.Error.WriteLine(e);
    return ExitCodes.RuntimeFailure;
}

// The parser lists allowed values on lines of their own; a one-line error lists them after the colon.
static string OneLine(string message)
{
    var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    string text = lines.Length == 1 ? lines[0] : $"{lines[0]} {string.Join(", ", lines[1..])}";
    return text.Replace("expected type 'System.Int32'", "a whole number").Replace("expected type 'System.Double'", "a number").TrimEnd('.');
}

// "fashioncnn data download": the words a user types to reach the command that failed to parse.
static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        if (r is System.CommandLine.Parsing.CommandResult c) names.Push(c.Command is RootCommand ? "fashioncnn" : c.Command.Name);
    return names;
}
