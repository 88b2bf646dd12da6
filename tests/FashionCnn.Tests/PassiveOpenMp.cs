using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FashionCnn.Tests;

/// <summary>
/// The suite runs two test classes at once on a 2-core machine, most of them waiting on a fashioncnn child whose libtorch
/// runs two OpenMP threads; GNU OpenMP's threads spin while they wait for work, and two processes spinning on each
/// other's cores spend the machine on waiting. Waiting passively changes no result, only who gets the cores: three
/// end-to-end classes (36 processes of train, evaluate, explain, visualize, export) took 131 s and 219 s of CPU with
/// spinning, 94 s and 138 s without. Set before libtorch loads here, and in the environment every child inherits.
/// </summary>
internal static class PassiveOpenMp
{
    private const string Variable = "OMP_WAIT_POLICY", Passive = "PASSIVE";

    [ModuleInitializer]
    internal static void Apply()
    {
        // .NET's copy of the environment is what a started process gets; libgomp reads the C library's copy when it loads.
        Environment.SetEnvironmentVariable(Variable, Passive);
        if (!OperatingSystem.IsWindows()) _ = setenv(Variable, Passive, 1);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
