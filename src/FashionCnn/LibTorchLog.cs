using System.Runtime.InteropServices;
using TorchSharp;

namespace FashionCnn;

/// <summary>
/// libtorch's own log goes straight to the process's stderr. On CPUs NNPACK does not support (an AMD EPYC with
/// avx512_bf16, for one) every convolution's first call prints "[W… NNPACK.cpp:56] Could not initialize NNPACK!
/// Reason: Unsupported hardware.", twice per image in predict, which reads as an error of ours and breaks the
/// tool's one line on stderr. libtorch's TORCH_CPP_LOG_LEVEL is read only by c10::initLogging(), which Python's
/// torch calls and TorchSharp does not, so the level is set here in c10's own flag once libtorch is loaded;
/// --verbose leaves it at libtorch's default (warnings shown). Where the flag is not exported nothing changes.
/// </summary>
public static class LibTorchLog
{
    /// <summary>c10's severities: 0 info, 1 warning, 2 error, 3 fatal; messages below the flag's level are dropped.</summary>
    private const int ErrorsOnly = 2;

    /// <summary>Set by the command line from --verbose before any verb runs; libtorch's warnings are then kept.</summary>
    public static bool ShowWarnings { get; set; }

    private static int _applied;

    /// <summary>Loads libtorch if it is not yet loaded and, unless <see cref="ShowWarnings"/>, keeps its warnings off stderr.</summary>
    public static void Apply()
    {
        if (ShowWarnings || Interlocked.Exchange(ref _applied, 1) == 1) return;
        torch.InitializeDeviceType(DeviceType.CPU);
        if (NativeLibrary.TryLoad(C10LibraryName, out nint c10) && NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out nint level))
            Marshal.WriteInt32(level, ErrorsOnly);
    }

    /// <summary>libtorch's c10 library, already loaded by TorchSharp, so the bare name finds the loaded copy.</summary>
    private static string C10LibraryName =>
        OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
}
