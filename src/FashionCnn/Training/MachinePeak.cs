using System.Diagnostics;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>A rate this machine reached on one kind of work, in billions of operations per second.</summary>
public sealed record PeakRate(string Work, double Gflops);

/// <summary>
/// What this machine can do, measured in the same process as the training step it is compared with: a large
/// matrix product (the best case for any library) and each of the model's convolutions at the batch's shape.
/// Times across machines mean little; the ratio of a step's rate to these does.
/// </summary>
public static class MachinePeak
{
    /// <summary>A 2048 × 2048 × 2048 product, the best of a few runs after a warm-up.</summary>
    public static PeakRate Matmul(ScalarType dtype, Device device)
    {
        const int n = 2048;
        using var scope = NewDisposeScope();
        var a = rand(n, n, device: device).to_type(dtype);
        var b = rand(n, n, device: device).to_type(dtype);
        double seconds = Best(() => a.matmul(b), device, repeats: 3);
        return new PeakRate($"matmul {n}³ {Name(dtype)}", 2.0 * n * n * n / seconds / 1e9);
    }

    /// <summary>Each convolution of <paramref name="spec"/> forward on a batch in channels-last memory, as the network runs it.</summary>
    public static IReadOnlyList<PeakRate> Convolutions(ModelSpec spec, int batch, Precision precision, Device device)
    {
        var rates = new List<PeakRate>();
        var dtype = precision == Precision.MixedBFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        foreach (var (layer, input, output) in spec.Shapes())
        {
            if (layer is not Conv2D conv) continue;
            using var scope = NewDisposeScope();
            var x = rand(batch, input[0], input[1], input[2], device: device).to_type(dtype).permute(0, 3, 1, 2);
            var weight = rand(conv.Filters, input[2], conv.KernelSize, conv.KernelSize, device: device).to_type(dtype);
            long padding = conv.SamePadding ? conv.SamePaddingFor(input[0]).Before : 0;
            double seconds = Best(() => nn.functional.conv2d(x, weight, null, [conv.Strides, conv.Strides], [padding, padding]), device, repeats: 20);
            double flops = (double)conv.Flops(input, output) * batch;
            rates.Add(new PeakRate($"{layer.Name} forward {input}→{output} {Name(dtype)}", flops / seconds / 1e9));
        }
        return rates;
    }

    private static double Best(Func<Tensor> work, Device device, int repeats)
    {
        work().Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var result = work()) Synchronize(device);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>CPU operations finish before they return; CUDA ones are queued and must be waited for before a clock is read.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }

    private static string Name(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bfloat16" : "float32";
}
