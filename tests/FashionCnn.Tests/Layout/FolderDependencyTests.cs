using System.Text.RegularExpressions;

namespace FashionCnn.Tests.Layout;

/// <summary>
/// The library's folders are its architecture (namespace = folder), and dependencies between them point one way:
/// two folders that use each other are one folder in disguise.
/// </summary>
public partial class FolderDependencyTests
{
    private static readonly string Library = Path.Combine(TestPaths.RepositoryRoot, "src", "FashionCnn");

    [Fact]
    public void No_folder_of_the_library_depends_on_itself_through_others()
    {
        var uses = FolderUses();

        var cycles = uses.Keys.Select(folder => CycleFrom(folder, uses)).OfType<string>().Distinct().ToList();

        Assert.True(uses.Count >= 10, $"read only {uses.Count} folders under {Library}");
        Assert.True(cycles.Count == 0, "folders that use each other: " + string.Join("; ", cycles));
    }

    [Fact]
    public void The_reader_sees_a_dependency_written_as_a_using_or_as_a_qualified_name()
    {
        Assert.Equal(["Data", "Model"], Referenced("using FashionCnn.Data;\nvar x = Model.Precisions.Parse(y);", ["Data", "Model", "Files"]));
        Assert.Empty(Referenced("// Model.Spec in a comment\nvar s = \"Files.Read\";\nlong b = TrainingBytes(x);", ["Model", "Files", "Training"]));
    }

    /// <summary>Each folder of the library (a namespace FashionCnn.X) and the folders its files refer to, with the file that does.</summary>
    private static Dictionary<string, Dictionary<string, string>> FolderUses()
    {
        var folders = Directory.GetDirectories(Library)
            .Where(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories).Any())
            .Select(Path.GetFileName).OfType<string>().Where(name => name is not ("obj" or "bin")).ToHashSet();
        var uses = folders.ToDictionary(f => f, _ => new Dictionary<string, string>());
        foreach (string folder in folders)
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Library, folder), "*.cs", SearchOption.AllDirectories))
                foreach (string used in Referenced(File.ReadAllText(file), folders).Where(u => u != folder))
                    uses[folder].TryAdd(used, Path.GetRelativePath(Library, file));
        return uses;
    }

    /// <summary>The folders <paramref name="source"/> names in a <c>using</c> or a qualified name (Model.X, FashionCnn.Model.X), outside comments and strings.</summary>
    private static List<string> Referenced(string source, IReadOnlyCollection<string> folders)
    {
        string code = StringOrComment().Replace(source, "\"\"");
        return Reference().Matches(code).Select(m => m.Groups["folder"].Value).Where(folders.Contains).Distinct().Order().ToList();
    }

    /// <summary>A path back to <paramref name="start"/> through the folders it uses, as "A → B (file) → A (file)", or null.</summary>
    private static string? CycleFrom(string start, Dictionary<string, Dictionary<string, string>> uses)
    {
        var path = new List<string> { start };
        var seen = new HashSet<string>();
        string? Walk(string folder)
        {
            foreach (var (used, file) in uses[folder].OrderBy(u => u.Key))
            {
                if (used == start)
                    return string.Join(" → ", path) + $" → {start} (in {file})";
                if (!seen.Add(used)) continue;
                path.Add($"{used} (in {file})");
                if (Walk(used) is { } cycle) return cycle;
                path.RemoveAt(path.Count - 1);
            }
            return null;
        }
        return Walk(start);
    }

    [GeneratedRegex(@"//[^\n]*|""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringOrComment();

    [GeneratedRegex(@"using (?:static )?FashionCnn\.(?<folder>\w+)|(?<![\w.])(?:FashionCnn\.)?(?<folder>\w+)\.(?=[A-Z])")]
    private static partial Regex Reference();
}
