using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Explanation;

/// <summary>
/// Occlusion sensitivity (Zeiler and Fergus, 2014): how much a class's probability drops when a square patch of the
/// image is set to 0 (the background of Fashion-MNIST), for each place the patch can take. A pixel's value is the
/// mean of the drops of every patch that covers it.
/// </summary>
public static class OcclusionSensitivity
{
    /// <summary>Occluded copies per forward pass (169 per image with the default 4×4 patch and stride 2).</summary>
    private const int BatchSize = 512;

    /// <summary>
    /// The top (or left) edges a patch takes along an axis of <paramref name="size"/> pixels: 0, stride, 2·stride, …
    /// as long as the patch fits, and one flush with the far edge when the stride skipped it, so every pixel is covered.
    /// </summary>
    public static IReadOnlyList<int> Positions(int size, int patch, int stride)
    {
        var positions = new List<int>();
        for (int p = 0; p + patch <= size; p += stride) positions.Add(p);
        if (positions.Count > 0 && positions[^1] != size - patch) positions.Add(size - patch);
        return positions;
    }

    /// <summary>
    /// The maps (N, H, W) for <paramref name="pixels"/> (bytes, (N, H, W, C), as the data set stores them) and one
    /// class per image: each pixel is the mean over the patches covering it of p(class | image) − p(class | image with
    /// the patch set to 0). Negative where hiding the patch makes the class more likely.
    /// </summary>
    public static Tensor Compute(SequentialNet net, Tensor pixels, Tensor classes, int patch, int stride)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int height = (int)pixels.shape[1], width = (int)pixels.shape[2];
        var covered = Patches(height, width, patch, stride, pixels.device);          // (P, H, W), 1 inside each patch
        var keep = covered.eq(0).to_type(ScalarType.Byte).unsqueeze(3);            // (P, H, W, 1): every channel of a pixel
        var coverage = covered.sum(dim: 0);                                         // (H, W), ≥ 1 everywhere
        var target = classes.to_type(ScalarType.Int64);
        var original = net.Probabilities(net.InputFromPixels(pixels.reshape(net.PixelShape((int)pixels.shape[0])))).gather(1, target.unsqueeze(1)).squeeze(1);
        var maps = new List<Tensor>();
        for (long i = 0; i < pixels.shape[0]; i++)
        {
            // Each image's forward passes hold tens of MB of activations; they go before the next image's.
            using var imageScope = NewDisposeScope();
            var occluded = pixels[i].unsqueeze(0).mul(keep);                       // (P, H, W, C)
            var probability = Probability(net, occluded, target[i]);              // (P)
            var drop = original[i].sub(probability);
            maps.Add(drop.view(-1, 1, 1).mul(covered).sum(dim: 0).div(coverage).MoveToOuterDisposeScope());
        }
        return stack(maps).MoveToOuterDisposeScope();
    }

    /// <summary>Where each patch lies: (P, H, W), 1 inside the patch, 0 elsewhere.</summary>
    private static Tensor Patches(int height, int width, int patch, int stride, Device device)
    {
        var rows = Positions(height, patch, stride);
        var columns = Positions(width, patch, stride);
        var covered = new float[rows.Count * columns.Count * height * width];
        int n = 0;
        foreach (int top in rows)
            foreach (int left in columns)
            {
                for (int y = top; y < top + patch; y++)
                    Array.Fill(covered, 1f, (n * height + y) * width + left, patch);
                n++;
            }
        return tensor(covered, [rows.Count * columns.Count, height, width]).to(device);
    }

    private static Tensor Probability(SequentialNet net, Tensor occluded, Tensor target)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < occluded.shape[0]; start += BatchSize)
        {
            int count = (int)Math.Min(BatchSize, occluded.shape[0] - start);
            var batch = occluded.narrow(0, start, count).reshape(net.PixelShape(count));
            parts.Add(net.Probabilities(net.InputFromPixels(batch)).select(1, target.item<long>()));
        }
        return cat(parts);
    }
}
