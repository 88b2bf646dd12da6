using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>Where the Fashion-MNIST files were found, and which rule found them.</summary>
public sealed record DataLocation(string Directory, string Source);

/// <summary>
/// Finds the folder that holds the four Fashion-MNIST files. Look-up order: the --data-dir option, the
/// FASHIONCNN_DATA environment variable, ./data/fashion-mnist (the copy in this repository), and
/// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package).
/// </summary>
public static class DataDirectory
{
    public const string EnvironmentVariable = "FASHIONCNN_DATA";
    public const string RepositoryFolder = "data/fashion-mnist";
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    public static DataLocation Locate(string? dataDirOption) =>
        Locate(dataDirOption, Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.CurrentDirectory);

    public static DataLocation Locate(string? dataDirOption, string? environmentValue, string currentDirectory)
    {
        // An explicit choice is never second-guessed: if it is wrong, say so rather than quietly use other data.
        if (dataDirOption is not null)
            return Require(dataDirOption, "--data-dir", "--data-dir");
        if (!string.IsNullOrEmpty(environmentValue))
            return Require(environmentValue, $"${EnvironmentVariable}={environmentValue}", $"${EnvironmentVariable}");

        string repository = Path.Combine(currentDirectory, RepositoryFolder);
        if (HasData(repository)) return new DataLocation(repository, "./" + RepositoryFolder);
        if (HasData(DebianFolder)) return new DataLocation(DebianFolder, "Debian's dataset-fashion-mnist");

        throw new FashionCnnException(
            $"Fashion-MNIST not found: looked in --data-dir (not given), ${EnvironmentVariable} (not set), {repository} and {DebianFolder}; "
            + $"get it with 'fashioncnn data download --to DIR', then give --data-dir DIR or set {EnvironmentVariable}=DIR.");
    }

    /// <summary>
    /// The data files a command would read, found by the same rules as <see cref="Locate(string?)"/> without reading
    /// anything, so that no output is one of them; none when no folder has the data (reading it will say so).
    /// </summary>
    public static IEnumerable<string> FilesFor(string? dataDirOption)
    {
        string? environmentValue = Environment.GetEnvironmentVariable(EnvironmentVariable);
        string? directory = dataDirOption ?? (string.IsNullOrEmpty(environmentValue) ? null : environmentValue);
        directory ??= new[] { Path.Combine(Environment.CurrentDirectory, RepositoryFolder), DebianFolder }.FirstOrDefault(HasData);
        if (directory is null || string.IsNullOrWhiteSpace(directory) || !HasData(directory)) return [];
        return FashionMnist.FileNames.SelectMany(name => new[] { name, name + ".gz" }).Select(name => Path.Combine(directory, name)).Where(File.Exists);
    }

    /// <summary>
    /// Checks a --data-dir the user gave, before anything slow runs: an empty path, a file, a pipe or a missing
    /// folder is one sentence naming the option. Nothing when the option was not given.
    /// </summary>
    public static void RequireOption(string? dataDirOption)
    {
        if (dataDirOption is not null) Require(dataDirOption, "--data-dir", "--data-dir");
    }

    private static DataLocation Require(string directory, string named, string source)
    {
        PathText.RequireUsable(directory, named);
        var kind = FileKinds.Of(directory);
        if (kind == FileKind.Missing)
            throw new FashionCnnException(new FileInfo(directory).LinkTarget is { } target
                ? $"{named} {directory}: a symbolic link to {target}, which does not exist."
                : $"{named} {directory}: no such folder.");
        if (kind != FileKind.Directory)
            throw new FashionCnnException($"{named} {directory}: is {kind.Describe()}, not a folder.");
        if (!HasData(directory))
            throw new FashionCnnException($"{named} {directory}: {Missing(directory)}");
        return new DataLocation(Path.GetFullPath(directory), source);
    }

    public static bool HasData(string directory) =>
        Directory.Exists(directory) && FashionMnist.FileNames.All(name =>
            File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + ".gz")));

    private static string Missing(string directory) =>
        $"the folder lacks {string.Join(", ", FashionMnist.FileNames.Where(n => !File.Exists(Path.Combine(directory, n)) && !File.Exists(Path.Combine(directory, n + ".gz"))))} (.gz or not).";
}
