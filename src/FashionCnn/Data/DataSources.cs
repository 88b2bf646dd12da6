using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>
/// Reads the data set a verb was given. Without --data: the Fashion-MNIST IDX folder found as before
/// (<see cref="DataDirectory"/>). With --data PATH, the kind is recognised from what PATH holds: a CSV file; a
/// folder with the four IDX files (<see cref="IdxDataSource"/>); a folder with a <c>*train*.csv</c>
/// (<see cref="CsvDataSource"/>); a folder of class folders (<see cref="ImageFolderDataSource"/>).
/// </summary>
public static class DataSources
{
    public const string Option = "--data";

    public static DataParts Read(DataOptions options)
    {
        if (options.Path is null)
        {
            var location = DataDirectory.Locate(options.DataDir);
            return IdxDataSource.Read(location.Directory, options, requireFashionMnist: true) with { Location = location.Directory };
        }
        string path = RequirePath(options.Path);
        if (File.Exists(path))
        {
            if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new FashionCnnException($"{Option} {options.Path}: a file, but not a .csv; {Looked}.");
            return CsvDataSource.Read(path, null, options);
        }
        if (IdxDataSource.Holds(path)) return IdxDataSource.Read(path, options, requireFashionMnist: false);
        if (CsvDataSource.Find(path) is var (train, test)) return CsvDataSource.Read(train, test, options);
        if (ImageFolderLayout.Looks(path)) return ImageFolderDataSource.Read(path, options);
        throw new FashionCnnException($"{Option} {options.Path}: none of the three kinds of data set; {Looked}.");
    }

    private const string Looked =
        "looked for the IDX files (train-images-idx3-ubyte[.gz] and the other three), a *train*.csv (and *test*.csv), "
        + "or class folders (PATH/<class>/*.png or PATH/train/<class>/*)";

    /// <summary>
    /// Records the data set a command will read as its inputs, found without reading anything, so that no output is
    /// one of them: the IDX files of --data-dir (or where the data is looked for), the CSV file of --data, or the files
    /// directly in the folder --data names, and that folder's whole tree (a class folder's pictures are one level
    /// down, and no output may go anywhere inside it). Nothing when the command reads no data set (null).
    /// </summary>
    public static CommandFiles InputData(this CommandFiles files, DataOptions? options)
    {
        if (options is null) return files;
        if (options.Path is null) return files.Inputs(Option, DataDirectory.FilesFor(options.DataDir));
        if (File.Exists(options.Path)) return files.Input(Option, options.Path);
        return Directory.Exists(options.Path)
            ? files.Inputs(Option, Directory.EnumerateFiles(options.Path).Take(1000)).InputFolder(Option, options.Path)
            : files;
    }

    /// <summary>
    /// Checks --data and --data-dir before anything slow runs: an empty path, a missing one, a pipe or a device is one
    /// sentence naming the option. Nothing when neither was given.
    /// </summary>
    public static void RequireOptions(DataOptions options)
    {
        if (!(options.ValidationSplit > 0 && options.ValidationSplit < 1))
            throw new FashionCnnException($"--validation-split must be above 0 and below 1 (got {options.ValidationSplit}).");
        if (options.Path is not null) RequirePath(options.Path);
        else DataDirectory.RequireOption(options.DataDir);
    }

    private static string RequirePath(string path)
    {
        PathText.RequireUsable(path, Option);
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing)
            throw new FashionCnnException(new FileInfo(path).LinkTarget is { } target
                ? $"{Option} {path}: a symbolic link to {target}, which does not exist."
                : $"{Option} {path}: no such file or folder.");
        if (kind is not (FileKind.Directory or FileKind.Regular))
            throw new FashionCnnException($"{Option} {path}: is {kind.Describe()}, not a folder or a CSV file.");
        return Path.GetFullPath(path);
    }
}
