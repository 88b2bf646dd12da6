using System.CommandLine;
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
}
