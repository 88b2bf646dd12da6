namespace FashionCnn.Files;

/// <summary>
/// Writes a file so that readers see either the old content or the new, never a half-written one: the
/// bytes go to a temporary file in the same folder, are flushed to the disk, and the file is renamed over
/// the target (an atomic replace on POSIX file systems and NTFS). A symbolic link is written through to its
/// final target. Only a regular file is ever replaced: a rename would put a file in place of a device, a pipe or a
/// socket just as readily, so those are refused here too, whatever the caller checked before. The temporary name
/// does not grow with the target's, so any name the file system allows works.
/// </summary>
public static class AtomicFile
{
    /// <summary>The prefix of every temporary file, which a later run may remove when its writer was killed.</summary>
    public const string TemporaryPrefix = ".fashioncnn-";

    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        if (new FileInfo(fullPath).LinkTarget is not null)
            fullPath = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
        var kind = FileKinds.Of(fullPath);
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new FashionCnnException($"{fullPath}: is {kind.Describe()}; outputs go to a new path or replace a regular file.");
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $"{TemporaryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (IOException e)
        {
            File.Delete(temp);
            // The temporary name means nothing to the user: name the file that could not be written.
            throw new IOException($"cannot write {fullPath} ({e.Message.Replace(temp, Path.GetFileName(fullPath)).TrimEnd('.')})", e);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));
}
