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

    /// <summary>A path as the user would type it: relative below the current folder, absolute elsewhere.</summary>
    public static string DisplayPath(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
