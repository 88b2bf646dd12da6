using System.CommandLine;
using FashionCnn.Checkpoints;
using FashionCnn.Data;

namespace FashionCnn.Cli.Commands;

/// <summary>Options that several verbs share, declared once so their names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"Folder with the four Fashion-MNIST IDX files (.gz or not). Default: ${DataDirectory.EnvironmentVariable}, "
                      + $"then ./{DataDirectory.RepositoryFolder}, then {DataDirectory.DebianFolder}.",
        HelpName = "DIR",
    };

    public static Option<string> Model() => new("--model")
    {
        Description = "Model file: a fashioncnn .safetensors, a Keras .h5 or .keras, or a PyTorch .pt state_dict.",
        DefaultValueFactory = _ => Path.Combine("models", Checkpoint.FileName),
        HelpName = "PATH",
    };

    public static Option<DataSplit> Split(DataSplit fallback, string description)
    {
        var option = new Option<DataSplit>("--split")
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            CustomParser = result => result.Tokens[0].Value switch
            {
                "train" => DataSplit.Train,
                "val" => DataSplit.Val,
                "test" => DataSplit.Test,
                var other => Fail(result, other),
            },
        };
        return option;

        static DataSplit Fail(System.CommandLine.Parsing.ArgumentResult result, string value)
        {
            result.AddError($"--split must be train, val or test (got {value})");
            return default;
        }
    }

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "auto (CUDA when available), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cpu", "cuda");

    public static Option<int> BatchSize(int fallback, string description) => new Option<int>("--batch-size")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
    }.AtLeast(1);

    public static Option<int> Threads() => new Option<int>("--threads")
    {
        Description = "CPU threads for libtorch (default: this machine's cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    }.AtLeast(1);

    /// <summary>A path as the user would type it: relative below the current folder, absolute elsewhere.</summary>
    public static string DisplayPath(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
