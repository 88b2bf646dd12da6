using System.CommandLine;
using FashionCnn.Cli.Commands;

namespace FashionCnn.Cli;

/// <summary>Every verb of the command line, built in one place so the program and the tests parse with the same tree.</summary>
internal static class CommandTree
{
    public static (RootCommand Root, Option<bool> Verbose) Create()
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show the full exception, with its stack trace, when something fails, and libtorch's own warnings (kept off stderr otherwise).", Recursive = true };
        var root = new RootCommand("Train, evaluate, export and look inside Keras Sequential models on Fashion-MNIST, as in 혼자 공부하는 머신러닝+딥러닝 (chapters 7-1 to 8-3), with TorchSharp.")
        {
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            VisualizeCommand.Create(),
            PredictCommand.Create(),
            ExplainCommand.Create(),
            ReportCommand.Create(),
            ExportCommand.Create(),
            BenchCommand.Create(),
            SummaryCommand.Create(),
            DataCommand.Create(),
            verbose,
        };
        return (root, verbose);
    }
}
