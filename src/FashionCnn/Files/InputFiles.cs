using System.Text;

namespace FashionCnn.Files;

/// <summary>
/// Every file the tool reads is checked here first: a path that is empty, missing, a folder, a pipe or a
/// device is one sentence naming the option, before anything is opened (a FIFO would block forever, a
/// device never end), and every read has a size limit that fits what the file can be.
/// </summary>
public static class InputFiles
{
    /// <summary>The regular file <paramref name="path"/> names (symbolic links followed), or an error naming <paramref name="option"/>.</summary>
    public static FileInfo Require(string? path, string option)
    {
        PathText.RequireUsable(path, option);
        var kind = FileKinds.Of(path!);
        if (kind == FileKind.Regular) return new FileInfo(path!);
        if (kind == FileKind.Missing)
        {
            string? link = new FileInfo(path!).LinkTarget;
            throw new FashionCnnException(link is null
                ? $"{option} {path}: file not found."
                : $"{option} {path}: a symbolic link to {link}, which does not exist.");
        }
        throw new FashionCnnException(kind == FileKind.Directory
            ? $"{option} {path}: is a folder, not a file."
            : $"{option} {path}: is {kind.Describe()}, not a regular file; give a file.");
    }

    /// <summary>The whole file, refused without reading when it is larger than <paramref name="limit"/> bytes.</summary>
    public static byte[] ReadAllBytes(string path, long limit, string option)
    {
        var info = Require(path, option);
        if (info.Length > limit)
            throw new FashionCnnException($"{option} {path}: {Size(info.Length)} is more than such a file can be ({Size(limit)} at most).");
        return Guard(path, option, () => File.ReadAllBytes(path));
    }

    /// <summary>Up to <paramref name="count"/> bytes from the start of the file.</summary>
    public static byte[] ReadHead(string path, int count, string option)
    {
        Require(path, option);
        return Guard(path, option, () =>
        {
            using var stream = File.OpenRead(path);
            var head = new byte[count];
            int read = stream.ReadAtLeast(head, count, throwOnEndOfStream: false);
            return head[..read];
        });
    }

    /// <summary>The file as UTF-8 text, refused when larger than <paramref name="limit"/> bytes or not UTF-8.</summary>
    public static string ReadText(string path, long limit, string option)
    {
        byte[] bytes = ReadAllBytes(path, limit, option);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new FashionCnnException($"{option} {path}: not UTF-8 text."); }
    }

    /// <summary>Opens the checked file for reading.</summary>
    public static FileStream OpenRead(string path, string option)
    {
        Require(path, option);
        return Guard(path, option, () => File.OpenRead(path));
    }

    /// <summary>Runs a read, turning the errors a file system gives into one sentence naming the file.</summary>
    public static T Guard<T>(string path, string option, Func<T> read)
    {
        try { return read(); }
        catch (UnauthorizedAccessException e) { throw new FashionCnnException($"{option} {path}: permission denied.", e); }
        catch (FileNotFoundException e) { throw new FashionCnnException($"{option} {path}: file not found.", e); }
        catch (DirectoryNotFoundException e) { throw new FashionCnnException($"{option} {path}: file not found.", e); }
        catch (IOException e) { throw new FashionCnnException($"{option} {path}: cannot read ({e.Message.TrimEnd('.')}).", e); }
    }

    public static string Size(long bytes) => ByteSize.Text(bytes);
}

/// <summary>Checks on a path's text itself, shared by inputs and outputs.</summary>
public static class PathText
{
    /// <summary>
    /// An empty path names nothing; a path with U+FFFD came from a file name that is not valid UTF-8, which .NET
    /// cannot hand back to the file system unchanged (it would read "not found" or write a different name).
    /// </summary>
    public static void RequireUsable(string? path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new FashionCnnException($"{option}: an empty path; give a file or folder name.");
        if (path.Contains('\uFFFD'))
            throw new FashionCnnException($"{option} {path}: the name is not valid UTF-8, which this tool cannot open or create; rename it.");
        if (path.Contains('\0'))
            throw new FashionCnnException($"{option}: the path contains a NUL character.");
    }
}
