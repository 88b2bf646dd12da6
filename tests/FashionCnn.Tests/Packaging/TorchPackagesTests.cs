using System.Diagnostics;
using System.Text.Json;

namespace FashionCnn.Tests.Packaging;

/// <summary>
/// Which libtorch packages the projects reference for each platform and backend, as MSBuild evaluates them
/// (no restore, no build: a few seconds). Only this machine's platform can be restored and run here, so this is
/// where the win-x64 and CUDA choices are checked at all.
/// </summary>
public sealed class TorchPackagesTests
{
    private static readonly string Library = Path.Combine(TestPaths.RepositoryRoot, "src", "FashionCnn", "FashionCnn.csproj");
    private static readonly string Cli = Path.Combine(TestPaths.RepositoryRoot, "src", "FashionCnn.Cli", "FashionCnn.Cli.csproj");

    [Theory]
    [InlineData("cpu", "linux-x64", "TorchSharp libtorch-cpu-linux-x64")]
    [InlineData("cpu", "win-x64", "TorchSharp libtorch-cpu-win-x64")]
    [InlineData("cpu", "linux-x64;win-x64", "TorchSharp libtorch-cpu-linux-x64 libtorch-cpu-win-x64")]
    [InlineData("cuda", "linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("cuda", "win-x64", "TorchSharp-cuda-windows")]
    public void The_library_references_libtorch_for_exactly_the_platforms_asked_for(string backend, string platforms, string expected)
    {
        using var json = Evaluate(Library, "-getItem:PackageReference", $"-p:TorchBackend={backend}", $"-p:TorchRuntimeIdentifiers=\"{platforms}\"");

        var torch = json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!)
            .Where(id => id.StartsWith("libtorch", StringComparison.Ordinal) || id.StartsWith("TorchSharp", StringComparison.Ordinal))
            .Where(id => id != "TorchSharp.PyBridge")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected.Split(' ').Order(StringComparer.Ordinal), torch);
    }

    [Fact]
    public void The_tool_is_packed_once_per_platform_under_the_name_fashioncnn()
    {
        using var json = Evaluate(Cli, "-getProperty:PackAsTool", "-getProperty:ToolCommandName", "-getProperty:RuntimeIdentifiers",
            "-p:TorchRuntimeIdentifiers=\"linux-x64;win-x64\"");

        var properties = json.RootElement.GetProperty("Properties");
        Assert.Equal("true", properties.GetProperty("PackAsTool").GetString());
        Assert.Equal("fashioncnn", properties.GetProperty("ToolCommandName").GetString());
        // .NET 10 makes one tool package per RuntimeIdentifiers entry; restore needs them there too.
        Assert.Equal("linux-x64;win-x64", properties.GetProperty("RuntimeIdentifiers").GetString());
    }

    private static JsonDocument Evaluate(string project, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "msbuild", project, "-nologo", "-nodeReuse:false" }.Concat(arguments))
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild {project} did not finish in 2 minutes");
        }
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {project} failed: {stdout.Result}{stderr.Result}");
        return JsonDocument.Parse(stdout.Result);
    }
}
