namespace FashionCnn.Files;

/// <summary>
/// Every file and folder the tool writes is checked here first. An output goes to a new path or replaces a
/// regular file; a folder, pipe, device or socket in its place is one sentence naming the option, and nothing
/// is touched. A symbolic link is written through: its final target is replaced (atomically, in the target's
/// folder) and the link stays. The folder an output file goes into must exist; a folder option
/// (<c>--out</c>, <c>--model-dir</c>) is created when missing.
/// </summary>
public static class OutputFiles
{
    /// <summary>The path to write for <paramref name="path"/> (a link's final target), checked, with its folder writable.</summary>
    /// <param name="inApprovedFolder">
    /// The file lies in a folder <see cref="RequireFolder"/> accepted, which is made when the first file is written:
    /// a missing folder is then expected rather than a mistyped path.
    /// </param>
    public static string RequireFile(string? path, string option, bool inApprovedFolder = false)
    {
        PathText.RequireUsable(path, option);
        string full = FinalTarget(Path.GetFullPath(path!), option, path!);
        var kind = FileKinds.Of(full);
        if (kind == FileKind.Directory)
            throw new FashionCnnException($"{option} {path}: is a folder; give a file name.");
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new FashionCnnException($"{option} {path}: is {kind.Describe()}; outputs go to a new path or replace a regular file.");
        if (System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(full)) > MaxNameBytes)
            throw new FashionCnnException($"{option} {path}: the file name is longer than the {MaxNameBytes} bytes a file system allows.");
        string folder = Path.GetDirectoryName(full)!;
        var folderKind = FileKinds.Of(folder);
        if (folderKind == FileKind.Missing && inApprovedFolder) return full;
        if (folderKind == FileKind.Missing)
            throw new FashionCnnException($"{option} {path}: the folder {folder} does not exist.");
        if (folderKind != FileKind.Directory)
            throw new FashionCnnException($"{option} {path}: {folder} is {folderKind.Describe()}, not a folder.");
        RequireWritable(folder, option, path!);
        return full;
    }

    /// <summary>Where a symbolic link finally leads; a loop of links (or a chain longer than the system follows) is the user's to fix.</summary>
    public static string FinalTarget(string full, string option, string path)
    {
        try
        {
            return new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException e)
        {
            throw new FashionCnnException($"{option} {path}: a symbolic link that leads to no file (a loop or too many levels of links).", e);
        }
    }

    /// <summary>
    /// The folder <paramref name="path"/> names, checked writable. A missing folder is not made here but when the first
    /// file is written into it (<see cref="AtomicFile"/> makes it), so a command refused or failed before it writes
    /// anything leaves no empty folder behind; the nearest folder that exists above it must be writable instead.
    /// </summary>
    public static string RequireFolder(string? path, string option)
    {
        PathText.RequireUsable(path, option);
        string full = Path.GetFullPath(path!);
        var kind = FileKinds.Of(full);
        if (kind is not (FileKind.Directory or FileKind.Missing))
            throw new FashionCnnException($"{option} {path}: is {kind.Describe()}, not a folder.");
        if (kind == FileKind.Missing && new FileInfo(full).LinkTarget is { } target)
            throw new FashionCnnException($"{option} {path}: a symbolic link to {target}, which does not exist; create that folder or give another.");
        string existing = full;
        while (FileKinds.Of(existing) == FileKind.Missing && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        if (FileKinds.Of(existing) is not FileKind.Directory and var above)
            throw new FashionCnnException($"{option} {path}: cannot create this folder ({existing} is {above.Describe()}).");
        RequireWritable(existing, option, path!);
        return full;
    }

    /// <summary>
    /// A folder the user did not name (beside the model, say): used when writable, and otherwise ./models, so a
    /// model on a read-only share still gets its pictures.
    /// </summary>
    public static string DefaultFolder(string preferred)
    {
        try { return RequireFolder(preferred, "(default folder)"); }
        catch (FashionCnnException)
        {
            try { return RequireFolder("models", "(default folder)"); }
            catch (FashionCnnException) { throw new FashionCnnException($"cannot write to {preferred} or ./models; say where with --out."); }
        }
    }

    /// <summary>What ext4, XFS, btrfs and NTFS allow for one name; the temporary name beside it (<see cref="AtomicFile"/>) is short whatever the target's.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Creates and deletes a probe file: the honest test of a read-only mount, an immutable folder or a pseudo-filesystem.</summary>
    private static void RequireWritable(string folder, string option, string path)
    {
        string probe = Path.Combine(folder, $".fashioncnn-probe-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FashionCnnException($"{option} {path}: cannot write to {folder} ({Reason(e, probe, folder)}).", e);
        }
    }

    /// <summary>The file system's reason, without the name of a probe the user never asked for.</summary>
    private static string Reason(Exception e, string tried, string shown) =>
        e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(tried, shown).TrimEnd('.');
}
