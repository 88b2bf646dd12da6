using System.Diagnostics;
using System.Runtime.InteropServices;
using FashionCnn.Files;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// What the atomic replace keeps of the file it replaces (mode, owner, group), what it refuses (a file the user could
/// not write in place), what it reports (a hard link it breaks), and which temporary files a cleanup may remove.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AtomicReplaceTests
{
    [Theory]
    [InlineData(0b110_000_000)] // 0600: private
    [InlineData(0b100_100_100)] // 0444: read-only for everyone but root
    [InlineData(0b111_101_000)] // 0750
    [InlineData(0b110_110_110)] // 0666
    public void A_replaced_file_keeps_its_mode(int mode)
    {
        using var temp = new TempFolder();
        string path = temp.File("model.safetensors");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, (UnixFileMode)mode);

        AtomicFile.Write(path, s => s.Write("new"u8), _ => true);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal((UnixFileMode)mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_replaced_file_keeps_its_owner_and_group_where_the_user_may_give_them()
    {
        using var temp = new TempFolder();
        string path = temp.File("history.json");
        File.WriteAllText(path, "old");
        bool root = geteuid() == 0;
        // Root may give a file to anyone; another user keeps a file that is already its own.
        var wanted = root ? (User: 4321u, Group: 8765u) : (User: geteuid(), Group: getegid());
        Assert.Equal(0, chown(path, wanted.User, wanted.Group));

        AtomicFile.WriteAllText(path, "new");

        var after = FileKinds.Ownership(path)!;
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal((wanted.User, wanted.Group), (after.User, after.Group));
    }

    [Fact]
    public void A_file_the_user_could_not_write_in_place_is_refused_and_left_as_it_was()
    {
        using var temp = new TempFolder();
        string path = temp.File("accuracy.png");
        File.WriteAllText(path, "old");

        var e = Assert.Throws<FashionCnnException>(() => AtomicFile.Write(path, s => s.Write("new"u8), _ => false));

        Assert.Contains("read-only", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    /// <summary>The kernel's rule for open(O_WRONLY) by permission bits, worked for each kind of user.</summary>
    [Theory]
    [InlineData(1000u, 1000u, 0b100_100_100, 1000u, new uint[] { 1000 }, false)] // the owner, 0444
    [InlineData(1000u, 1000u, 0b110_100_100, 1000u, new uint[] { 1000 }, true)]  // the owner, 0644
    [InlineData(1000u, 50u, 0b100_110_100, 1000u, new uint[] { 1000 }, false)]   // the owner's bit decides for the owner, whatever the group's
    [InlineData(2000u, 50u, 0b110_110_100, 1000u, new uint[] { 1000, 50 }, true)] // a member of the group, 0664
    [InlineData(2000u, 50u, 0b110_100_100, 1000u, new uint[] { 1000, 50 }, false)] // a member of the group, 0644
    [InlineData(2000u, 50u, 0b110_100_110, 1000u, new uint[] { 1000 }, true)]    // anyone else, 0646
    [InlineData(2000u, 50u, 0b110_110_100, 1000u, new uint[] { 1000 }, false)]   // anyone else, 0664
    [InlineData(2000u, 50u, 0b000_000_000, 0u, new uint[] { 0 }, true)]           // root
    public void Write_access_follows_the_permission_bits(uint owner, uint group, int mode, uint user, uint[] groups, bool allowed) =>
        Assert.Equal(allowed, WriteAccess.Allows(new FileOwnership(owner, group, (UnixFileMode)mode), user, groups));

    [Fact]
    public void Replacing_one_of_several_hard_links_says_so_and_the_others_keep_the_old_content()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.pt"), other = temp.File("backup.pt");
        File.WriteAllText(path, "old");
        Assert.Equal(0, link(path, other));
        var reported = new List<(string, long)>();
        void Note(string p, long n) { lock (reported) if (p == path) reported.Add((p, n)); }
        AtomicFile.HardLinkBroken += Note;
        try { AtomicFile.WriteAllText(path, "new"); }
        finally { AtomicFile.HardLinkBroken -= Note; }

        Assert.Equal([(path, 2L)], reported);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal("old", File.ReadAllText(other));
    }

    [Fact]
    public void A_cleanup_removes_only_the_temporary_files_of_processes_that_are_gone()
    {
        using var temp = new TempFolder();
        int gone;
        using (var exited = Process.Start(new ProcessStartInfo("true"))!)
        {
            exited.WaitForExit();
            gone = exited.Id;
        }
        string live = temp.File($".fashioncnn-{Environment.ProcessId}-0123abcd.tmp");
        string liveProbe = temp.File($".fashioncnn-probe-{Environment.ProcessId}-0123abcd.tmp");
        string dead = temp.File($".fashioncnn-{gone}-0123abcd.tmp");
        string deadDownload = temp.File($".fashioncnn-{gone}-4567abcd.download.tmp");
        string notOurs = temp.File(".fashioncnn-notes.tmp");
        foreach (string path in new[] { live, liveProbe, dead, deadDownload, notOurs }) File.WriteAllText(path, "");

        AtomicFile.RemoveAbandoned(temp.Path);

        Assert.Equal(new[] { live, liveProbe, notOurs }.Order(), Directory.GetFiles(temp.Path).Order());
    }

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern uint getegid();

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string target, string path);
}

/// <summary>The cleanup deletes every write in progress in the process, so it runs apart from the other tests.</summary>
[Collection(nameof(Serial))]
public class PendingWriteTests
{
    [Fact]
    public void A_signal_cleanup_deletes_the_temporary_file_of_a_write_in_progress()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.onnx");
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var write = Task.Run(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            writing.Set();
            release.Wait();
        }));
        Assert.True(writing.Wait(TimeSpan.FromSeconds(30)));
        Assert.Single(Directory.GetFiles(temp.Path, ".fashioncnn-*.tmp"));

        AtomicFile.DeletePending();

        Assert.Empty(Directory.GetFiles(temp.Path));
        release.Set();
        Assert.ThrowsAny<IOException>(() => write.GetAwaiter().GetResult());
        Assert.False(File.Exists(path));
    }
}
