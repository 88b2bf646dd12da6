using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace FashionCnn.Files;

/// <summary>
/// Writes a file so that readers see either the old content or the new, never a half-written one: the
/// bytes go to a temporary file in the same folder, are flushed to the disk, and the file is renamed over
/// the target (an atomic replace on POSIX file systems and NTFS). A symbolic link is written through to its
/// final target. Only a regular file is ever replaced: a rename would put a file in place of a device, a pipe or a
/// socket just as readily, so those are refused here too, whatever the caller checked before. The temporary name
/// does not grow with the target's, so any name the file system allows works.
/// A replaced file keeps its permission bits, owner and group (a rename would otherwise give it the writer's umask
/// and owner: a 0600 file coming back 0644); a file the user could not have written in place is refused (renaming
/// needs only the folder's permission, so a 0444 file would otherwise be replaced), and a file with other names (hard
/// links) is reported through <see cref="HardLinkBroken"/>, since the new content reaches only this name.
/// </summary>
public static class AtomicFile
{
    /// <summary>The prefix of every temporary file, which a later run may remove when its writer was killed.</summary>
    public const string TemporaryPrefix = ".fashioncnn-";

    /// <summary>Called with the path and its number of names when a replace gave a new file to a name that was one of several hard links.</summary>
    public static event Action<string, long>? HardLinkBroken;

    private static readonly ConcurrentDictionary<string, byte> Pending = new();

    public static void Write(string path, Action<Stream> write) => Write(path, write, WriteAccess.Allows);

    /// <summary>
    /// <paramref name="mayWriteInPlace"/> tells whether the user could write the existing file in place: a seam for
    /// tests, which run as root, who can write anything.
    /// </summary>
    internal static void Write(string path, Action<Stream> write, Func<FileOwnership, bool> mayWriteInPlace)
    {
        string fullPath = Path.GetFullPath(path);
        if (new FileInfo(fullPath).LinkTarget is not null)
            fullPath = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
        var kind = FileKinds.Of(fullPath);
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new FashionCnnException($"{fullPath}: is {kind.Describe()}; outputs go to a new path or replace a regular file.");
        var existing = kind == FileKind.Regular ? FileKinds.Ownership(fullPath) : null;
        if (existing is not null && !mayWriteInPlace(existing)) RefuseReadOnly(fullPath, existing);
        long names = kind == FileKind.Regular ? FileKinds.LinkCount(fullPath) : 0;
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $"{TemporaryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        Pending[temp] = 0;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (existing is not null) KeepOwnership(temp, fullPath, existing);
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
        finally
        {
            Pending.TryRemove(temp, out _);
        }
        if (names > 1) HardLinkBroken?.Invoke(fullPath, names);
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Deletes the temporary files of writes still in progress: for a signal that ends the process, which runs no
    /// <c>finally</c> (an export's 270 MB temporary file would stay behind).
    /// </summary>
    public static void DeletePending()
    {
        foreach (string temp in Pending.Keys)
        {
            try { File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The process id in a temporary file's name (<c>.fashioncnn-1234-….tmp</c>, <c>.fashioncnn-probe-1234-….tmp</c>),
    /// so that a cleanup removes only the files of writers that are gone; null for a name this tool did not make.
    /// </summary>
    public static int? OwnerOf(string temporaryName)
    {
        string name = Path.GetFileName(temporaryName);
        if (!name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal)) return null;
        string rest = name[TemporaryPrefix.Length..];
        if (rest.StartsWith("probe-", StringComparison.Ordinal)) rest = rest["probe-".Length..];
        int dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
    }

    /// <summary>Removes the temporary files in <paramref name="folder"/> whose writing process no longer runs; those of live writers stay.</summary>
    public static void RemoveAbandoned(string folder)
    {
        foreach (string temp in Directory.EnumerateFiles(folder, TemporaryPrefix + "*.tmp"))
        {
            if (OwnerOf(temp) is not int pid || ProcessRuns(pid)) continue;
            try { File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>kill(pid, 0): 0 when the process exists, EPERM when it exists under another user.</summary>
    private static bool ProcessRuns(int pid)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
            catch (ArgumentException) { return false; }
        }
        const int NoPermission = 1;
        return kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == NoPermission;
    }

    private static void RefuseReadOnly(string path, FileOwnership existing) =>
        throw new FashionCnnException($"{path}: is read-only for this user (mode {Octal(existing.Mode)}); fashioncnn replaces only a file it could write. "
                                      + "Give another path, or change the file's permissions first.");

    /// <summary>The replacement takes the old file's mode, and its owner and group where the user may give them (root, or a group the user is in).</summary>
    private static void KeepOwnership(string temp, string target, FileOwnership existing)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        File.SetUnixFileMode(temp, existing.Mode);
        var made = FileKinds.Ownership(temp);
        if (made is null || made.User == existing.User && made.Group == existing.Group) return;
        if (chown(temp, made.User == existing.User ? uint.MaxValue : existing.User, existing.Group) != 0)
            throw new FashionCnnException($"{target}: belongs to user {existing.User}, group {existing.Group}, which this user cannot give "
                                          + "the new file, so it was left as it was; give another path.");
        // chown may clear the set-user-ID and set-group-ID bits: put the mode back as it was.
        File.SetUnixFileMode(temp, existing.Mode);
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
}

/// <summary>Who may write a file in place, by its permission bits, as the kernel decides for open(O_WRONLY).</summary>
public static class WriteAccess
{
    /// <summary>For this process's effective user and groups.</summary>
    public static bool Allows(FileOwnership file)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return true;
        return Allows(file, geteuid(), Groups());
    }

    /// <summary>Root writes anything; the owner by the owner's bit, a member of the file's group by the group's bit, anyone else by the others' bit.</summary>
    public static bool Allows(FileOwnership file, uint user, IReadOnlyCollection<uint> groups)
    {
        if (user == 0) return true;
        if (user == file.User) return file.Mode.HasFlag(UnixFileMode.UserWrite);
        if (groups.Contains(file.Group)) return file.Mode.HasFlag(UnixFileMode.GroupWrite);
        return file.Mode.HasFlag(UnixFileMode.OtherWrite);
    }

    private static uint[] Groups()
    {
        var groups = new uint[Math.Max(getgroups(0, null), 0) + 1];
        int count = getgroups(groups.Length - 1, groups);
        groups[^1] = getegid();
        return count < 0 ? [getegid()] : [.. groups[..count], getegid()];
    }

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern uint getegid();

    [DllImport("libc", SetLastError = true)]
    private static extern int getgroups(int size, uint[]? list);
}
