using FashionCnn.Files;
using FashionCnn.Model;
using FashionCnn.Model.Layers;

namespace FashionCnn.Compute;

/// <summary>
/// Estimates the memory one batch needs before any is allocated, so a batch size the machine cannot hold is a
/// one-line error instead of the kernel killing the process without a word.
/// </summary>
public static class BatchMemory
{
    /// <summary>
    /// Bytes a training step of <paramref name="batchSize"/> images needs: every layer's output kept for the
    /// backward pass, its gradient and as much again for libtorch's workspaces (4 copies of 4-byte floats), and the
    /// largest workspace a layer builds (<see cref="Layer.WorkspaceElements"/>: a convolution's patch matrix, which a
    /// 1,024-pixel kernel made 105 GB at batch 32). Measured: bench of the book's CNN at --batch-size 2000 peaked
    /// 1,263 MB above its 374 MB at batch 32; this estimate says 1,992 MB.
    /// </summary>
    public static long TrainingBytes(ModelSpec spec, int batchSize)
    {
        long perImage = spec.InputShape.ElementCount + spec.Shapes().Sum(row => row.Output.ElementCount);
        return 4L * (4 * perImage + LargestWorkspace(spec)) * batchSize;
    }

    /// <summary>
    /// Bytes a forward pass without gradients needs: no layer's output is kept for a backward pass, so the peak is the
    /// largest layer's input and output at once, and three times as much again for libtorch's workspaces (channels-last
    /// copies), as 4-byte floats, and the largest patch matrix. Measured: evaluate of the book's CNN at --batch-size
    /// 12000 peaked 4,340 MB above its 432 MB at batch 128; this estimate says 8,326 MB.
    /// </summary>
    public static long InferenceBytes(ModelSpec spec, int batchSize)
    {
        long perImage = spec.Shapes().Max(row => row.Input.ElementCount + row.Output.ElementCount);
        return 4L * (4 * perImage + LargestWorkspace(spec)) * batchSize;
    }

    private static long LargestWorkspace(ModelSpec spec) =>
        spec.Shapes().Select(row => row.Layer.WorkspaceElements(row.Input, row.Output)).DefaultIfEmpty(0).Max();

    /// <summary>An error naming <paramref name="option"/> when a training batch would need more than half the memory this process may use.</summary>
    public static void Require(ModelSpec spec, int batchSize, string option) => Check(TrainingBytes(spec, batchSize), batchSize, option);

    /// <summary>The same for a batch of evaluation or prediction.</summary>
    public static void RequireInference(ModelSpec spec, int batchSize, string option) => Check(InferenceBytes(spec, batchSize), batchSize, option);

    /// <summary>The bytes a batch may use: half of what the GC reports as available (see <see cref="Check"/>).</summary>
    public static long Budget => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>
    /// Half, because the estimate is rough and the data set, the weights and the runtime need their share; the total is
    /// what the GC reports as available, which honours a container's memory limit.
    /// </summary>
    private static void Check(long needed, int batchSize, string option)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > Budget)
            throw new FashionCnnException(
                $"{option} {batchSize:N0}: a batch of this model needs about {ByteSize.Megabytes(needed):N0} MB, more than half of the {ByteSize.Megabytes(available):N0} MB this machine has; use a smaller batch.");
    }
}
