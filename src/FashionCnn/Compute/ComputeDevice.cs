using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Compute;

/// <summary>The device a run uses and why, in words for the user.</summary>
public sealed record ComputeDevice(Device Device, string Description)
{
    /// <summary>Which libtorch this build carries: "cpu" or "cuda" (MSBuild property TorchBackend).</summary>
    public static string Backend { get; } = Metadata("TorchBackend") ?? "cpu";

    public static string TorchSharpVersion { get; } = Metadata("TorchSharpVersion") ?? "?";

    public static string LibTorchVersion { get; } = Metadata("LibTorchVersion") ?? "?";

    /// <summary>More libtorch threads than this per core only add switching; a larger --threads is a typo.</summary>
    public const int MaxThreadsPerCore = 4;

    public static int MaxThreads => MaxThreadsPerCore * Environment.ProcessorCount;

    /// <summary>
    /// The one place a verb sets up where it computes: resolves the device and gives libtorch its thread count,
    /// bounded by what the machine has.
    /// </summary>
    public static ComputeDevice Prepare(ComputeOptions options)
    {
        options.Require();
        HeapTuning.Apply();
        var device = Resolve(options.Device);
        torch.set_num_threads(options.Threads);
        return device;
    }

    /// <summary>Resolves auto, cpu or cuda; asking for CUDA where there is none is an error that says why.</summary>
    public static ComputeDevice Resolve(DeviceChoice choice)
    {
        bool cudaAvailable = choice != DeviceChoice.Cpu && cuda.is_available();
        return choice switch
        {
            DeviceChoice.Cpu => new ComputeDevice(CPU, "cpu"),
            DeviceChoice.Cuda when !cudaAvailable => throw new FashionCnnException(Backend == "cuda"
                ? "--device cuda: this build has CUDA's libtorch, but no CUDA device is visible (check the NVIDIA driver, nvidia-smi and CUDA_VISIBLE_DEVICES)."
                : "--device cuda: this build carries the CPU libtorch only; on Linux or Windows with an NVIDIA GPU, build for CUDA with 'dotnet run -p:TorchBackend=cuda --project src/FashionCnn.Cli -c Release -- VERB --device cuda' or install that build with 'scripts/install-tool.sh -p:TorchBackend=cuda' (README \"CPU or CUDA\")."),
            DeviceChoice.Cuda => new ComputeDevice(CUDA, $"cuda ({cuda.device_count()} device(s))"),
            DeviceChoice.Auto => cudaAvailable
                ? new ComputeDevice(CUDA, "cuda (auto: a CUDA device is available)")
                : new ComputeDevice(CPU, Backend == "cuda" ? "cpu (auto: no CUDA device visible)" : "cpu (auto: this is the CPU build)"),
            _ => throw new InvalidOperationException($"no device {choice}"),
        };
    }

    private static string? Metadata(string key) => typeof(ComputeDevice).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
