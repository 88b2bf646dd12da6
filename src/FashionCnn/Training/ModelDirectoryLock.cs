using FashionCnn.Files;

namespace FashionCnn.Training;

/// <summary>
/// Keeps two training runs from writing into one model folder at once. The lock is an exclusive flock on
/// <c>.train.lock</c>, which the kernel releases when the process ends however it ends, so a lock left by a
/// killed run never blocks the next one; the holder's process id sits beside it in <c>.train.lock.pid</c> so
/// the second run can say who holds the folder. A run that ends normally removes both files.
/// </summary>
public sealed class ModelDirectoryLock : IDisposable
{
    public const string LockName = ".train.lock", PidName = ".train.lock.pid";
    private readonly FileStream _lock;
    private readonly string _lockPath, _pidPath;

    private ModelDirectoryLock(FileStream stream, string lockPath, string pidPath) => (_lock, _lockPath, _pidPath) = (stream, lockPath, pidPath);

    public static ModelDirectoryLock Acquire(string modelDir)
    {
        Directory.CreateDirectory(modelDir);
        string lockPath = Path.Combine(modelDir, LockName), pidPath = Path.Combine(modelDir, PidName);
        // Opening a pipe in the lock's place would block forever.
        foreach (string path in new[] { lockPath, pidPath })
            if (FileKinds.Of(path) is not (FileKind.Regular or FileKind.Missing) and var kind)
                throw new FashionCnnException($"--model-dir {modelDir}: {Path.GetFileName(path)} there is {kind.Describe()}, not this tool's lock file; remove it.");
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            string holder = File.Exists(pidPath) ? File.ReadAllText(pidPath).Trim() : "unknown";
            throw new FashionCnnException(
                $"--model-dir {modelDir} is in use by another fashioncnn train (process {holder}); wait for it to finish or choose another --model-dir.");
        }
        var held = new ModelDirectoryLock(stream, lockPath, pidPath);
        try
        {
            File.WriteAllText(pidPath, Environment.ProcessId.ToString());
            return held;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk takes even the few bytes of the process id: say so, and leave neither file behind.
            held.Dispose();
            string reason = e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? "the disk is full" : e.Message.TrimEnd('.');
            throw new IOException($"--model-dir {modelDir}: cannot write there ({reason}); nothing was written.", e);
        }
    }

    /// <summary>Removes the files while still holding the lock, so no other run can take a lock on a file that is about to vanish.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_pidPath);
            File.Delete(_lockPath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _lock.Dispose();
    }
}
