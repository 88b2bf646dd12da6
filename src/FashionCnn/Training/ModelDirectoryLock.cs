namespace FashionCnn.Training;

/// <summary>
/// Keeps two training runs from writing into one model folder at once. The lock is an exclusive flock on
/// <c>.train.lock</c>, which the kernel releases when the process ends however it ends; the holder's
/// process id sits beside it in <c>.train.lock.pid</c> so the second run can say who holds the folder.
/// </summary>
public sealed class ModelDirectoryLock : IDisposable
{
    private const string LockName = ".train.lock", PidName = ".train.lock.pid";
    private readonly FileStream _lock;

    private ModelDirectoryLock(FileStream stream) => _lock = stream;

    public static ModelDirectoryLock Acquire(string modelDir)
    {
        Directory.CreateDirectory(modelDir);
        string lockPath = Path.Combine(modelDir, LockName), pidPath = Path.Combine(modelDir, PidName);
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidPath, Environment.ProcessId.ToString());
            return new ModelDirectoryLock(stream);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            string holder = File.Exists(pidPath) ? File.ReadAllText(pidPath).Trim() : "unknown";
            throw new FashionCnnException(
                $"--model-dir {modelDir} is in use by another fashioncnn train (process {holder}); wait for it to finish or choose another --model-dir.");
        }
    }

    public void Dispose() => _lock.Dispose();
}
