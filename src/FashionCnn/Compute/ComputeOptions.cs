using FashionCnn.Model;

namespace FashionCnn.Compute;

/// <summary>Where a verb computes: CUDA when available (auto), the CPU, or CUDA.</summary>
public enum DeviceChoice { Auto, Cpu, Cuda }

public static class DeviceChoices
{
    public static readonly Spelling<DeviceChoice> Spelling = new("--device", ("auto", DeviceChoice.Auto), ("cpu", DeviceChoice.Cpu), ("cuda", DeviceChoice.Cuda));

    public static string Name(this DeviceChoice device) => Spelling.Name(device);
}

/// <summary>
/// How every verb that runs a network computes: the device, libtorch's (or ONNX Runtime's) CPU threads, and the dtype
/// policy. One record for all of them, checked in one place (<see cref="Require"/>).
/// </summary>
public sealed record ComputeOptions
{
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>CPU threads; the default is this machine's number of cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The dtype policy a TorchSharp network computes with; ONNX files run in float32.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>The options, or the one-line refusal of a thread count outside 1 to <see cref="ComputeDevice.MaxThreads"/>.</summary>
    public ComputeOptions Require()
    {
        if (Threads < 1 || Threads > ComputeDevice.MaxThreads)
            throw new FashionCnnException(
                $"--threads must be between 1 and {ComputeDevice.MaxThreads} ({ComputeDevice.MaxThreadsPerCore} per core of this machine's {Environment.ProcessorCount}); got {Threads}.");
        return this;
    }
}
