using System.Diagnostics;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Tests.Onnx;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>
/// The C# program of README.md's section "Use the model in your own .NET app" (between the markers below), compiled
/// as a console project that references Microsoft.ML.OnnxRuntime 1.31.1, restored offline from the local NuGet cache,
/// and run on the exported book model, so the sample a reader copies never rots.
/// </summary>
public class ReadmeOnnxSampleTests
{
    public const string BeginMarker = "<!-- onnx-sample:begin -->", EndMarker = "<!-- onnx-sample:end -->";

    public static readonly string Readme = Path.Combine(TestPaths.RepositoryRoot, "README.md");

    /// <summary>The program between the markers, inside its ```csharp fence; null when README.md has no such block.</summary>
    public static string? Sample()
    {
        string text = File.ReadAllText(Readme);
        int begin = text.IndexOf(BeginMarker, StringComparison.Ordinal), end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin) return null;
        string block = text[(begin + BeginMarker.Length)..end];
        int fence = block.IndexOf("```csharp", StringComparison.Ordinal), close = block.LastIndexOf("```", StringComparison.Ordinal);
        Assert.True(fence >= 0 && close > fence, "the onnx-sample block of README.md holds no ```csharp fence");
        return block[(block.IndexOf('\n', fence) + 1)..close];
    }

    /// <summary>Skipped, saying why, only while README.md lacks the sample's markers.</summary>
    public sealed class ReadmeSampleFactAttribute : FactAttribute
    {
        public ReadmeSampleFactAttribute()
        {
            if (Sample() is null)
                Skip = $"README.md has no {BeginMarker} … {EndMarker} block yet (the section \"Use the model in your own .NET app\")";
        }
    }

    private static CliRunner.Result Run(string folder, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // The child build must not inherit the test run's MSBuild settings.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    [ReadmeSampleFact]
    public void The_readmes_onnx_program_builds_offline_and_names_the_books_test_images()
    {
        using var temp = new TempFolder();
        var model = ModelFile.Load(OnnxTestModels.BookModel);
        using (model.Net) ModelExport.Write(model, ExportFormat.Onnx, temp.File("best-cnn-model.onnx"));
        string project = Directory.CreateDirectory(temp.File("FashionClassifier")).FullName;
        File.WriteAllText(Path.Combine(project, "Program.cs"), Sample());
        File.WriteAllText(Path.Combine(project, "FashionClassifier.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
              </ItemGroup>
            </Project>
            """);
        // Offline: the only package source is the local cache, where restoring this repository put the package.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local-cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

        var build = Run(project, dotnet, "build", "-c", "Release", "--disable-build-servers", "-v", "quiet");
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);

        string images = Path.Combine(TestPaths.DataDirectory, "t10k-images-idx3-ubyte.gz");
        var labels = FashionMnist.Load(TestPaths.DataDirectory).Test.Labels;
        for (int index = 0; index < 3; index++)
        {
            var result = Run(project, dotnet, Path.Combine(project, "bin", "Release", "net10.0", "FashionClassifier.dll"),
                temp.File("best-cnn-model.onnx"), images, index.ToString());
            Assert.True(result.ExitCode == 0, result.Stderr);
            // The book's model classifies test images 0, 1 and 2 (ankle boot, pullover, trouser) correctly.
            Assert.StartsWith($"{FashionClasses.Names[labels[index]]} (", result.Stdout);
        }
    }
}
