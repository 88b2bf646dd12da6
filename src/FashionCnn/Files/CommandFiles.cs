namespace FashionCnn.Files;

/// <summary>
/// The files one command reads and the files it writes, so that no output ever replaces an input. Each verb names its
/// inputs first, then asks here for every output path; an output is compared with every input by file identity (device
/// and inode, links followed), which finds the same file under any spelling (<c>./x</c>, <c>d/../x</c>), through a
/// symbolic link or as a hard link, and with every earlier output of the same command. A match is one sentence naming
/// both options, before anything is read or written.
/// </summary>
public sealed class CommandFiles
{
    private readonly List<(string Option, string Path, FileIdentity Identity)> _inputs = [];
    private readonly List<(string Option, string Path, string Resolved, FileIdentity? Identity)> _outputs = [];
    private readonly List<(string Option, string Path, FileIdentity Identity)> _inputFolders = [];

    /// <summary>An input file: recorded when <paramref name="path"/> names an existing file (a bundled name or a missing path is left to the reader to refuse).</summary>
    public CommandFiles Input(string option, string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0')) return this;
        if (FileKinds.Identity(path) is { } identity) _inputs.Add((option, path, identity));
        return this;
    }

    /// <summary>
    /// A folder whose whole tree is input (a data set given with --data): no output may lie anywhere inside it, at any
    /// depth, since a picture written into a class folder would be read as one of its images next time.
    /// </summary>
    public CommandFiles InputFolder(string option, string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0') || !Directory.Exists(path)) return this;
        if (FileKinds.Identity(path) is { } identity) _inputFolders.Add((option, path, identity));
        return this;
    }

    /// <summary>Every input of <paramref name="paths"/>, all under one option (predict's pictures, the data files).</summary>
    public CommandFiles Inputs(string option, IEnumerable<string> paths)
    {
        foreach (string path in paths) Input(option, path);
        return this;
    }

    /// <summary>An output file the user named with <paramref name="option"/>: checked as <see cref="OutputFiles.RequireFile"/> does, and distinct from every input and earlier output.</summary>
    public string OutputFile(string option, string? path)
    {
        string full = OutputFiles.RequireFile(path, option);
        Record(option, path!, full, $"{option} {path}");
        return full;
    }

    /// <summary>An output file the command names itself inside the folder the user gave with <paramref name="option"/>.</summary>
    public string OutputIn(string option, string folder, string path)
    {
        string full = OutputFiles.RequireFile(path, option, inApprovedFolder: true);
        Record(option, path, full, $"{option} {folder}: {path}");
        return full;
    }

    /// <summary>An output folder the user named (train's --model-dir): refused at once when it lies inside an input folder.</summary>
    public CommandFiles OutputFolder(string option, string folder)
    {
        RequireOutsideInputFolders(Path.GetFullPath(folder), option, $"{option} {folder}");
        return this;
    }

    private void RequireOutsideInputFolders(string? folder, string option, string named)
    {
        if (_inputFolders.Count == 0) return;
        for (; !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
            if (FileKinds.Identity(folder) is { } identity && _inputFolders.FirstOrDefault(f => f.Identity == identity) is { Option: not null } data)
                throw new FashionCnnException($"{named} lies inside {data.Option} {data.Path}; the tool writes nothing into a data set "
                    + $"(a file there would be read as part of it next time), so nothing was done. Give another {option}.");
    }

    private void Record(string option, string path, string full, string named)
    {
        var identity = FileKinds.Identity(full);
        if (identity is not null && _inputs.FirstOrDefault(i => i.Identity == identity) is { Option: not null } input)
            throw new FashionCnnException($"{named} is the same file as {input.Option} {input.Path}; writing it would replace that input, so nothing was done. Give another {option}.");
        RequireOutsideInputFolders(Path.GetDirectoryName(full), option, named);
        var earlier = _outputs.FirstOrDefault(o => identity is not null ? o.Identity == identity : o.Resolved == full);
        if (earlier.Option is not null)
            throw new FashionCnnException($"{named} is the same file as {earlier.Option} {earlier.Path}; give each output its own path.");
        _outputs.Add((option, path, full, identity));
    }
}
