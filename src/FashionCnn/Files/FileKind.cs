using System.Runtime.InteropServices;

namespace FashionCnn.Files;

/// <summary>What a path names, as the operating system sees it (<see cref="Link"/> only when asked not to follow links).</summary>
public enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Link, Other }

/// <summary>A path's kind, size in bytes and last write time (UTC), from one system call.</summary>
public sealed record FileStatusOf(FileKind Kind, long Size, DateTime ModifiedUtc);

/// <summary>One file as the file system knows it: device and inode (or, where there are none, the full path).</summary>
public sealed record FileIdentity(long Device, long Inode, string? FullPath);

/// <summary>Who owns a file and its permission bits.</summary>
public sealed record FileOwnership(uint User, uint Group, UnixFileMode Mode);

/// <summary>
/// Tells what kind of thing a path names without opening it: opening a FIFO blocks until a writer appears,
/// and reading a device may never end, so every input and output path is checked first. .NET has no public
/// API for the file type on Unix, so this asks the runtime's own native shim (SystemNative_Stat, which every
/// .NET file API uses and whose FileStatus layout is the same on every architecture).
/// </summary>
public static class FileKinds
{
    /// <summary>The kind of <paramref name="path"/>, following symbolic links (a dangling link is <see cref="FileKind.Missing"/>).</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        return Stat(path, out var status) != 0 ? FileKind.Missing : KindOf(status.Mode);
    }

    private static FileKind KindOf(int mode) =>
        (mode & TypeMask) switch
        {
            RegularBits => FileKind.Regular,
            DirectoryBits => FileKind.Directory,
            FifoBits => FileKind.Fifo,
            CharacterBits => FileKind.CharacterDevice,
            BlockBits => FileKind.BlockDevice,
            SocketBits => FileKind.Socket,
            LinkBits => FileKind.Link,
            _ => FileKind.Other,
        };

    /// <summary>
    /// The kind, size and last write time of <paramref name="path"/> (links followed) from one system call; null when
    /// nothing is there. A folder of 70,000 images is scanned with one call a file instead of three (stat, lstat, geteuid).
    /// </summary>
    public static FileStatusOf? Status(string path) => StatusOf(path, followLinks: true);

    /// <summary>As <see cref="Status"/>, of the link itself when <paramref name="path"/> is a symbolic link (its kind is then <see cref="FileKind.Link"/>).</summary>
    public static FileStatusOf? LinkStatus(string path) => StatusOf(path, followLinks: false);

    private static FileStatusOf? StatusOf(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            var info = new FileInfo(path);
            if (!followLinks && info.LinkTarget is not null) return new FileStatusOf(FileKind.Link, 0, info.LastWriteTimeUtc);
            return Directory.Exists(path) ? new FileStatusOf(FileKind.Directory, 0, Directory.GetLastWriteTimeUtc(path))
                : info.Exists ? new FileStatusOf(FileKind.Regular, info.Length, info.LastWriteTimeUtc) : null;
        }
        if ((followLinks ? Stat(path, out var status) : LStat(path, out status)) != 0) return null;
        var modified = DateTime.UnixEpoch.AddTicks(status.MTime * TimeSpan.TicksPerSecond + status.MTimeNsec / 100);
        return new FileStatusOf(KindOf(status.Mode), status.Size, modified);
    }

    /// <summary>
    /// The file <paramref name="path"/> names, as the file system identifies it (device and inode, links followed), so
    /// that two spellings, a symbolic link and a hard link of one file compare equal; null when nothing is there.
    /// </summary>
    public static FileIdentity? Identity(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return Path.Exists(path) ? new FileIdentity(0, 0, Path.GetFullPath(path)) : null;
        return Stat(path, out var status) == 0 ? new FileIdentity(status.Dev, status.Ino, null) : null;
    }

    /// <summary>The owner, group and permission bits of <paramref name="path"/> (links followed); null when nothing is there.</summary>
    public static FileOwnership? Ownership(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        return Stat(path, out var status) == 0 ? new FileOwnership(status.Uid, status.Gid, (UnixFileMode)(status.Mode & 0xFFF)) : null;
    }

    /// <summary>How a user would name the kind in a sentence.</summary>
    public static string Describe(this FileKind kind) => kind switch
    {
        FileKind.Regular => "a file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "not a regular file",
    };

    /// <summary>How many names the file has (its hard links), links followed; 0 when nothing is there.</summary>
    /// <remarks>The runtime's FileStatus has no link count; Linux's statx has one at a fixed offset on every architecture.</remarks>
    public static long LinkCount(string path)
    {
        if (!OperatingSystem.IsLinux()) return File.Exists(path) ? 1 : 0;
        var buffer = new byte[256];
        const int currentFolder = -100, basicStats = 0x7FF, linkCountOffset = 16;
        return statx(currentFolder, path, 0, basicStats, buffer) == 0 ? BitConverter.ToUInt32(buffer, linkCountOffset) : 0;
    }

    private const int TypeMask = 0xF000, FifoBits = 0x1000, CharacterBits = 0x2000, DirectoryBits = 0x4000,
        BlockBits = 0x6000, RegularBits = 0x8000, LinkBits = 0xA000, SocketBits = 0xC000;

    // dotnet/runtime src/native/libs/System.Native/pal_io.h: FileStatus.
    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime, ATimeNsec, MTime, MTimeNsec, CTime, CTimeNsec, BirthTime, BirthTimeNsec;
        public long Dev, RDev, Ino;
        public uint UserFlags;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);
}
