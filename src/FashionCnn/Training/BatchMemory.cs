using FashionCnn.Model;

namespace FashionCnn.Training;

/// <summary>
/// Estimates the memory one batch needs before any is allocated, so a batch size the machine cannot hold is a
/// one-line error instead of the kernel killing the process without a word.
/// </summary>
public static class BatchMemory
{
    /// <summary>
    /// Bytes a training step of <paramref name="batchSize"/> images needs: every layer's output kept for the
    /// backward pass, its gradient and as much again for libtorch's workspaces (4 copies of 4-byte floats).
    /// </summary>
    public static long TrainingBytes(ModelSpec spec, int batchSize)
    {
        long perImage = spec.InputShape.ElementCount + spec.Shapes().Sum(row => row.Output.ElementCount);
        return 4L * 4 * perImage * batchSize;
    }

    /// <summary>An error naming <paramref name="option"/> when a batch would need more than half the memory this process may use.</summary>
    public static void Require(ModelSpec spec, int batchSize, string option)
    {
        long needed = TrainingBytes(spec, batchSize);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available / 2)
            throw new FashionCnnException(
                $"{option} {batchSize:N0}: a batch of this model needs about {needed / 1048576.0:N0} MB, more than half of the {available / 1048576.0:N0} MB this machine has; use a smaller batch.");
    }
}
