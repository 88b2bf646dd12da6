using FashionCnn.Tests.EndToEnd;
using Xunit.Abstractions;

namespace FashionCnn.Tests.Reliability;

/// <summary>What a path option names: a file or a folder, read or written.</summary>
public enum PathRole { InputFile, InputFolder, OutputFile, OutputFolder }

/// <summary>
/// Every path option of every verb, given each kind of path that once hung, crashed or overwrote: each is one line on
/// stderr naming the option, exit code 2, before anything is written (the verb's own output folder stays empty), and
/// whatever stood at the path is still there as it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PathOptionTests(ITestOutputHelper output)
{
    /// <summary>
    /// Only a hang runs this long. A refusal is a check of a path's kind and text, a few tenths of a second on an idle
    /// machine but 5.2 s once on a loaded one, so time proves nothing else; a run that went ahead shows as files in
    /// its output folder or another exit code.
    /// </summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    /// <summary>
    /// Which kinds are a mistake for each role. Left out, because they are valid and documented: an existing folder for
    /// an output folder (written into) and a missing one under a missing parent (created, as mkdir -p does); a symbolic
    /// link for an output file, which is written through to its target (<see cref="An_output_that_is_a_symbolic_link_is_written_through_to_its_target"/>).
    /// </summary>
    private static readonly Dictionary<PathRole, PathCase[]> Mistakes = new()
    {
        [PathRole.InputFile] = Enum.GetValues<PathCase>(),
        [PathRole.InputFolder] = Enum.GetValues<PathCase>(),
        [PathRole.OutputFile] = [PathCase.Empty, PathCase.Directory, PathCase.CharacterDevice, PathCase.Fifo, PathCase.UnderMissingFolder, PathCase.ReadOnlyLocation],
        [PathRole.OutputFolder] = [PathCase.Empty, PathCase.CharacterDevice, PathCase.Fifo, PathCase.DanglingLink, PathCase.ReadOnlyLocation],
    };

    /// <summary>Verb, the option under test (IMAGE: predict's picture arguments), its role, and the other arguments, all valid.</summary>
    public static TheoryData<string, string, PathRole, string[]> Options() => new()
    {
        { "train", "--architecture", PathRole.InputFile, ["--limit", "64", "--epochs", "1", "--device", "cpu"] },
        { "train", "--init-from", PathRole.InputFile, ["--limit", "64", "--epochs", "1", "--device", "cpu"] },
        { "train", "--data-dir", PathRole.InputFolder, ["--limit", "64", "--epochs", "1", "--device", "cpu"] },
        { "train", "--model-dir", PathRole.OutputFolder, ["--limit", "64", "--epochs", "1", "--device", "cpu"] },
        { "evaluate", "--model", PathRole.InputFile, ["--device", "cpu"] },
        { "evaluate", "--architecture", PathRole.InputFile, ["--model", BookModel, "--device", "cpu"] },
        { "evaluate", "--out", PathRole.OutputFolder, ["--model", BookModel, "--device", "cpu"] },
        { "evaluate", "--data-dir", PathRole.InputFolder, ["--model", BookModel, "--device", "cpu"] },
        { "visualize", "--model", PathRole.InputFile, [] },
        { "visualize", "--architecture", PathRole.InputFile, ["--model", BookModel] },
        { "visualize", "--out", PathRole.OutputFolder, ["--model", BookModel] },
        { "visualize", "--data-dir", PathRole.InputFolder, ["--model", BookModel] },
        { "predict", "IMAGE", PathRole.InputFile, ["--model", BookModel] },
        { "predict", "--model", PathRole.InputFile, ["--index", "0"] },
        { "predict", "--architecture", PathRole.InputFile, ["--model", BookModel, "--index", "0"] },
        { "predict", "--save-probabilities", PathRole.OutputFile, ["--model", BookModel, "--index", "0"] },
        { "predict", "--show-input", PathRole.OutputFile, ["--model", BookModel, "--index", "0"] },
        { "predict", "--data-dir", PathRole.InputFolder, ["--model", BookModel, "--index", "0"] },
        { "export", "--model", PathRole.InputFile, ["--output", "OUT/model.pt"] },
        { "export", "--architecture", PathRole.InputFile, ["--model", BookModel, "--output", "OUT/model.pt"] },
        { "export", "--output", PathRole.OutputFile, ["--model", BookModel] },
        { "summary", "--diagram", PathRole.OutputFile, [] },
        { "summary", "--model", PathRole.InputFile, [] },
        { "summary", "--architecture", PathRole.InputFile, [] },
        { "explain", "IMAGE", PathRole.InputFile, ["--model", BookModel] },
        { "explain", "--model", PathRole.InputFile, ["--index", "0"] },
        { "explain", "--architecture", PathRole.InputFile, ["--model", BookModel, "--index", "0"] },
        { "explain", "--out", PathRole.OutputFolder, ["--model", BookModel, "--index", "0"] },
        { "explain", "--data-dir", PathRole.InputFolder, ["--model", BookModel, "--index", "0"] },
        { "bench", "--architecture", PathRole.InputFile, ["--steps", "1", "--device", "cpu"] },
        { "bench", "--data-dir", PathRole.InputFolder, ["--steps", "1", "--device", "cpu"] },
        { "data", "--data-dir", PathRole.InputFolder, [] },
        // A closed port on this machine: a refusal that came too late would fail there, never reach the internet.
        { "data download", "--to", PathRole.OutputFolder, ["--mirror", "http://127.0.0.1:9/"] },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Each_kind_of_wrong_path_is_one_line_exit_2_in_seconds_and_touches_nothing(string verb, string option, PathRole role, string[] others)
    {
        using var kinds = new PathKinds();
        using var work = new TempFolder();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var cases = Mistakes[role].Where(c => c != PathCase.CharacterDevice || kinds.CharacterDevice is not null).ToList();
        if (kinds.CharacterDevice is null) output.WriteLine("no character device: mknod is not permitted here and /dev/null is not one");

        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 3 }, kind =>
        {
            string path = kinds.PathFor(kind, role is PathRole.OutputFile ? "out.png" : "entry");
            // Each case writes its valid outputs into its own folder, so that parallel cases never meet.
            string own = Path.Combine(work.Path, kind.ToString());
            Directory.CreateDirectory(own);
            string[] args = [.. verb.Split(' '), .. others.Select(a => a.Replace("OUT/", own + "/")),
                .. option == "IMAGE" ? [path] : new[] { option, path },
                .. verb == "train" && option != "--model-dir" ? ["--model-dir", own] : Array.Empty<string>(),
                .. verb is "evaluate" or "visualize" && option != "--out" ? ["--out", own] : Array.Empty<string>()];
            try
            {
                var result = CliRunner.Run(TestPaths.RepositoryRoot, null, HangLimit, args);
                string[] lines = result.Stderr.TrimEnd().Split('\n');
                string named = option == "IMAGE" ? "image" : option;
                string[] written = Directory.EnumerateFileSystemEntries(own).Select(Path.GetFileName).ToArray()!;
                if (result.ExitCode != 2 || lines.Length != 1 || !lines[0].StartsWith($"fashioncnn: {named}", StringComparison.Ordinal) || written.Length > 0)
                    failures.Add($"{kind} ({path}): exit {result.ExitCode}, wrote [{string.Join(", ", written)}], stderr: {result.Stderr.Trim()}");
            }
            catch (TimeoutException e)
            {
                failures.Add($"{kind} ({path}): {e.Message}");
            }
        });

        kinds.AssertUntouched($"{verb} {option}");
        Assert.True(failures.IsEmpty, $"{verb} {option}:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public void An_output_that_is_a_symbolic_link_is_written_through_to_its_target()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("elsewhere"));
        File.WriteAllText(temp.File("elsewhere/model.pt"), "old");
        File.CreateSymbolicLink(temp.File("link.pt"), temp.File("elsewhere/model.pt"));
        File.CreateSymbolicLink(temp.File("dangling.pt"), temp.File("elsewhere/new.pt"));

        string[] export = ["export", "--model", BookModel, "--format", "safetensors", "--output"];
        var replaced = CliRunner.Run(TestPaths.RepositoryRoot, [.. export, temp.File("link.pt")]);
        var created = CliRunner.Run(TestPaths.RepositoryRoot, [.. export, temp.File("dangling.pt")]);

        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal(temp.File("elsewhere/model.pt"), new FileInfo(temp.File("link.pt")).LinkTarget);
        Assert.Equal(temp.File("elsewhere/new.pt"), new FileInfo(temp.File("dangling.pt")).LinkTarget);
        Assert.Equal(File.ReadAllBytes(temp.File("elsewhere/model.pt")), File.ReadAllBytes(temp.File("elsewhere/new.pt")));
        Assert.True(new FileInfo(temp.File("elsewhere/model.pt")).Length > 1_000_000);
        Assert.Equal(["model.pt", "new.pt"], Directory.GetFiles(temp.File("elsewhere")).Select(Path.GetFileName).Order());
    }
}
