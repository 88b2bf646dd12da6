using System.Diagnostics;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// train on a full disk: a file system of 16 kB mounted for the test and filled. Mounting needs root, which CI has; as
/// another user the test has nothing to run on and returns.
/// </summary>
public class FullDiskTests
{
    [Fact]
    public void Train_on_a_full_disk_says_so_exits_1_and_leaves_no_lock_files()
    {
        using var temp = new TempFolder();
        string disk = temp.File("disk");
        Directory.CreateDirectory(disk);
        if (Environment.UserName != "root") return;
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", disk));
        try
        {
            Directory.CreateDirectory(Path.Combine(disk, "models"));
            using (var fill = new FileStream(Path.Combine(disk, "fill"), FileMode.Create))
            {
                var block = new byte[4096];
                try { while (true) fill.Write(block); }
                catch (IOException) { }
            }

            var result = EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot, "train", "--epochs", "1", "--limit", "64", "--model-dir", Path.Combine(disk, "models"));

            Assert.Equal(1, result.ExitCode);
            Assert.Single(result.Stderr.TrimEnd().Split('\n'));
            Assert.Contains("the disk is full", result.Stderr);
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(disk, "models")));
        }
        finally
        {
            Run("umount", disk);
        }
    }

    private static int Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
