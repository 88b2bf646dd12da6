using System.Diagnostics;
using System.Runtime.InteropServices;
using FashionCnn.Files;

namespace FashionCnn.Tests.Reliability;

/// <summary>The kinds of path a user can give where a file or folder is expected, each one a way to hang, crash or overwrite.</summary>
public enum PathCase { Empty, Directory, CharacterDevice, Fifo, DanglingLink, UnderMissingFolder, ReadOnlyLocation }

/// <summary>
/// Makes each <see cref="PathCase"/> in a temporary folder: a character device node (mknod where this process may,
/// else /dev/null itself), a FIFO, a symbolic link to nothing, a read-only location (a folder this user cannot write,
/// or for root, who writes everywhere else, the kernel's /proc), and remembers what stood there so that a test can
/// check nothing was replaced.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PathKinds : IDisposable
{
    private readonly TempFolder _temp = new();

    public PathKinds()
    {
        Directory.CreateDirectory(_temp.File("folder"));
        CharacterDevice = MakeCharacterDevice(_temp.File("device"));
        if (mkfifo(_temp.File("fifo"), 0x1b6) != 0) throw new InvalidOperationException($"mkfifo failed ({Marshal.GetLastPInvokeError()})");
        File.CreateSymbolicLink(_temp.File("dangling"), _temp.File("missing-target"));
        IsRoot = Environment.UserName == "root" || geteuid() == 0;
        if (!IsRoot)
        {
            Directory.CreateDirectory(_temp.File("read-only"));
            File.SetUnixFileMode(_temp.File("read-only"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
    }

    public bool IsRoot { get; }

    /// <summary>The device node: one made here, or /dev/null where mknod is not permitted; null when neither is a character device.</summary>
    public string? CharacterDevice { get; }

    /// <summary>Where a read-only location is on this machine.</summary>
    public string ReadOnlyFolder => IsRoot ? "/proc" : _temp.File("read-only");

    /// <summary>The path that stands for <paramref name="kind"/>; <paramref name="name"/> names a new entry where one is made.</summary>
    public string PathFor(PathCase kind, string name) => kind switch
    {
        PathCase.Empty => "",
        PathCase.Directory => _temp.File("folder"),
        PathCase.CharacterDevice => CharacterDevice ?? throw new InvalidOperationException("no character device on this machine"),
        PathCase.Fifo => _temp.File("fifo"),
        PathCase.DanglingLink => _temp.File("dangling"),
        PathCase.UnderMissingFolder => Path.Combine(_temp.File("missing-folder"), name),
        _ => Path.Combine(ReadOnlyFolder, $"fashioncnn-test-{Environment.ProcessId}-{name}"),
    };

    /// <summary>Everything the cases are made of, as it was made: the same kinds, nothing added, nothing created where something was missing.</summary>
    public void AssertUntouched(string context)
    {
        Assert.True(FileKinds.Of(_temp.File("folder")) == FileKind.Directory && !Directory.EnumerateFileSystemEntries(_temp.File("folder")).Any(),
            $"{context}: the folder was changed");
        if (CharacterDevice is not null)
            Assert.True(FileKinds.Of(CharacterDevice) == FileKind.CharacterDevice, $"{context}: the device {CharacterDevice} was replaced");
        Assert.True(FileKinds.Of(_temp.File("fifo")) == FileKind.Fifo, $"{context}: the FIFO was replaced");
        Assert.True(new FileInfo(_temp.File("dangling")).LinkTarget == _temp.File("missing-target") && !File.Exists(_temp.File("missing-target")),
            $"{context}: the dangling link or its target was changed");
        Assert.False(Directory.Exists(_temp.File("missing-folder")), $"{context}: the missing folder was created");
        if (!IsRoot) Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.File("read-only")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(ReadOnlyFolder, $"fashioncnn-test-{Environment.ProcessId}-*"));
    }

    private static string? MakeCharacterDevice(string path)
    {
        // The same major and minor as /dev/null, so that a bug writing to it writes nowhere.
        using var mknod = Process.Start(new ProcessStartInfo("mknod", [path, "c", "1", "3"]) { RedirectStandardError = true })!;
        mknod.WaitForExit();
        if (mknod.ExitCode == 0 && FileKinds.Of(path) == FileKind.CharacterDevice) return path;
        return FileKinds.Of("/dev/null") == FileKind.CharacterDevice ? "/dev/null" : null;
    }

    public void Dispose()
    {
        if (!IsRoot) File.SetUnixFileMode(_temp.File("read-only"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _temp.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [DllImport("libc")]
    private static extern uint geteuid();
}
