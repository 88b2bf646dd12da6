using FashionCnn.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// A labelled image set moved to the compute device once: pixels stay bytes ((N, 1, 28, 28) for Fashion-MNIST), a quarter of
/// the memory of floats, and each batch is gathered by index and scaled to 0–1 on the device.
/// </summary>
public sealed class DeviceDataset : IDisposable
{
    public Tensor Images { get; }

    public Tensor Labels { get; }

    public int Count { get; }

    public DeviceDataset(LabeledImages set, Device device)
    {
        Count = set.Count;
        var shape = set.Shape;
        // Grey images as (N, 1, H, W), which a CNN takes as it is; colour ones as (N, H, W, C), which the net permutes.
        long[] dimensions = shape.Channels == 1 ? [set.Count, 1, shape.Height, shape.Width] : [set.Count, shape.Height, shape.Width, shape.Channels];
        Images = OnDevice(tensor(set.Pixels, dimensions, ScalarType.Byte), device);
        using var labels = tensor(set.Labels, [set.Count], ScalarType.Byte);
        Labels = OnDevice(labels.to_type(ScalarType.Int64), device);
    }

    /// <summary>The pixels (bytes) of the images at <paramref name="indices"/>; the network scales them (<see cref="Model.SequentialNet.InputFromPixels"/>).</summary>
    public Tensor ImagesAt(Tensor indices) => Images.index_select(0, indices);

    public Tensor LabelsAt(Tensor indices) => Labels.index_select(0, indices);

    /// <summary>The pixels (bytes) of images start..start+count-1.</summary>
    public Tensor ImageRange(long start, long count) => Images.narrow(0, start, count);

    public Tensor LabelRange(long start, long count) => Labels.narrow(0, start, count);

    /// <summary>The tensor on <paramref name="device"/>, the host copy freed when a copy was made.</summary>
    private static Tensor OnDevice(Tensor host, Device device)
    {
        if (host.device_type == device.type) return host;
        var moved = host.to(device);
        host.Dispose();
        return moved;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
