using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// How the network holds Keras' tensors: an image (N, H, W, C) as PyTorch's (N, C, H, W), other ranks as Keras has them.
/// </summary>
public static class TensorLayout
{
    /// <summary>A tensor in Keras' channels-last order (N, H, W, C) as the network holds it (N, C, H, W); other ranks unchanged.</summary>
    public static Tensor FromKerasOrder(Tensor x) => x.dim() == 4 ? x.permute(0, 3, 1, 2) : x;

    /// <summary>The network's (N, C, H, W) image in Keras' (N, H, W, C) order; other ranks unchanged.</summary>
    public static Tensor ToKerasOrder(Tensor x) => x.dim() == 4 ? x.permute(0, 2, 3, 1) : x;

    /// <summary>The dimension of Keras' last axis (channels or units) in the network's layout.</summary>
    public static long ChannelAxis(Tensor x) => x.dim() == 4 ? 1 : x.dim() - 1;

    /// <summary>
    /// The same (N, C, H, W) tensor with its values stored channels-last (NHWC). libtorch's oneDNN convolutions
    /// run their fast path on that layout, every later layer keeps it, and Keras' (H, W, C) Flatten then needs
    /// no copy. TorchSharp has no memory_format argument, so the strides are made by permuting.
    /// </summary>
    public static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || IsChannelsLast(x)) return x;
        // One channel: the same values, given channels-last strides, so that oneDNN returns its output channels-last.
        if (x.shape[1] == 1 && x.is_contiguous()) return x.as_strided(x.shape, [x.shape[2] * x.shape[3], 1, x.shape[3], 1], x.storage_offset());
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    private static bool IsChannelsLast(Tensor x)
    {
        var strides = x.stride();
        return strides[1] == 1 && strides[3] == x.shape[1];
    }
}
