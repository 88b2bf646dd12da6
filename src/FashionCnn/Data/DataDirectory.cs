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
        if (!string.IsNullOrEmpty(dataDirOption))
            return HasData(dataDirOption)
                ? new DataLocation(Path.GetFullPath(dataDirOption), "--data-dir")
                : throw new FashionCnnException($"--data-dir {dataDirOption}: {Missing(dataDirOption)}");
        if (!string.IsNullOrEmpty(environmentValue))
            return HasData(environmentValue)
                ? new DataLocation(Path.GetFullPath(environmentValue), $"${EnvironmentVariable}")
                : throw new FashionCnnException($"${EnvironmentVariable}={environmentValue}: {Missing(environmentValue)}");

        string repository = Path.Combine(currentDirectory, RepositoryFolder);
        if (HasData(repository)) return new DataLocation(repository, "./" + RepositoryFolder);
        if (HasData(DebianFolder)) return new DataLocation(DebianFolder, "Debian's dataset-fashion-mnist");

        throw new FashionCnnException(
            $"Fashion-MNIST not found: looked in --data-dir (not given), ${EnvironmentVariable} (not set), {repository} and {DebianFolder}.");
    }

    private static bool HasData(string directory) =>
        Directory.Exists(directory) && FashionMnist.FileNames.All(name =>
            File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + ".gz")));

    private static string Missing(string directory) => Directory.Exists(directory)
        ? $"the folder lacks {string.Join(", ", FashionMnist.FileNames.Where(n => !File.Exists(Path.Combine(directory, n)) && !File.Exists(Path.Combine(directory, n + ".gz"))))} (.gz or not)."
        : "no such folder.";
}
