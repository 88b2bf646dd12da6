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
    string command = parsed.CommandResult.Command == root ? "fashioncnn" : $"fashioncnn {parsed.CommandResult.Command.Name}";
    string option = error.SymbolResult switch
    {
        System.CommandLine.Parsing.OptionResult o => o.Option.Name,
        System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
        _ => "",
    };
    string message = OneLine(error.Message);
    if (option != "" && !message.Contains(option, StringComparison.Ordinal)) message = $"{option}: {message}";
    Console.Error.WriteLine($"fashioncnn: {message} (see '{command} --help').");
    return ExitCodes.BadInput;
}

// One error policy for every verb: a problem with the input is one line and exit code 2; a failure of the
// machine (disk full, out of memory, libtorch failing) one line and exit code 1; --verbose adds the stack
// trace. Anything else is a bug and keeps its stack trace.
bool showTrace = parsed.GetValue(verbose);
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (FashionCnnException e)
{
    Console.Error.WriteLine($"fashioncnn: {e.Message}");
    if (showTrace) Console.Error.WriteLine(e);
    return ExitCodes.BadInput;
}
catch (Exception e) when (e is RuntimeFailureException or IOException or UnauthorizedAccessException or OutOfMemoryException
                              or System.Runtime.InteropServices.ExternalException)
{
    string details = showTrace || e is RuntimeFailureException ? "" : " (--verbose shows details)";
    Console.Error.WriteLine($"fashioncnn: {e.Message.Split('\n')[0].TrimEnd('.')}{details}.");
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
