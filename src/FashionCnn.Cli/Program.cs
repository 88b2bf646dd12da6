using System.CommandLine;
using FashionCnn;
using FashionCnn.Cli;
using FashionCnn.Cli.Commands;

// The command line only parses options, calls one library entry point per verb and prints its result.
// Nothing here touches TorchSharp, so help and parse errors come back without loading libtorch.
var root = new RootCommand("Train, evaluate and look inside the Fashion-MNIST CNN of 혼자 공부하는 머신러닝+딥러닝 (chapters 8-2, 8-3), with TorchSharp.")
{
    SummaryCommand.Create(),
    DataCommand.Create(),
};

ParseResult parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
if (parsed.Errors.Count > 0)
{
    // One line for the user, like any Unix tool, rather than the errors followed by the whole help page.
    // An unknown word explains more than the "required command" error it causes, so it goes first.
    var error = parsed.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();
    string command = parsed.CommandResult.Command == root ? "fashioncnn" : $"fashioncnn {parsed.CommandResult.Command.Name}";
    Console.Error.WriteLine($"fashioncnn: {error.Message.TrimEnd('.')} (see '{command} --help').");
    return ExitCodes.BadInput;
}

try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (FashionCnnException e)
{
    Console.Error.WriteLine($"fashioncnn: {e.Message}");
    return ExitCodes.BadInput;
}
