using FashionCnn.Files;

namespace FashionCnn.Data;

/// <summary>One image file of a folder data set, with what the cache key needs: size and modification time.</summary>
public sealed record ImageEntry(string Path, int Label, long Length, DateTime Modified);

/// <summary>
/// A folder of class folders as Keras' <c>image_dataset_from_directory(labels="inferred")</c> reads it:
/// <c>PATH/&lt;class&gt;/*</c> (a train part only) or <c>PATH/train/&lt;class&gt;/*</c> and <c>PATH/test/&lt;class&gt;/*</c>.
/// Classes are the folder names in ordinal order (or --class-names' order), the same in both parts; each class's
/// files, subfolders included, in ordinal order of their paths. Hidden entries and other files are skipped and
/// counted; a symbolic link is followed only when it leads to somewhere inside PATH.
/// </summary>
public sealed record ImageFolderLayout(string Root, IReadOnlyList<string> ClassNames, IReadOnlyList<ImageEntry> Train,
    IReadOnlyList<ImageEntry>? Test, SkippedFiles Skipped)
{
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    /// <summary>Nested folders deeper than this are not followed (a guard against link loops inside PATH).</summary>
    private const int MaxDepth = 16;

    /// <summary>Whether <paramref name="directory"/> holds a visible subfolder: what a folder of class folders needs.</summary>
    public static bool Looks(string directory) => VisibleFolders(directory).Any();

    public static ImageFolderLayout Scan(string root, IReadOnlyList<string>? classNames)
    {
        root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        string real = new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? root;
        var walker = new Walker([root, real]);
        string train = Path.Combine(root, "train"), test = Path.Combine(root, "test");
        bool split = Directory.Exists(train) && VisibleFolders(train).Any();
        string trainRoot = split ? train : root;
        var classes = VisibleFolders(trainRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        string? testRoot = split && Directory.Exists(test) ? test : null;
        if (testRoot is not null)
        {
            var testClasses = VisibleFolders(testRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            if (!testClasses.SequenceEqual(classes))
                throw new FashionCnnException(
                    $"{root}: train has the class folders {string.Join(", ", classes)} and test has {string.Join(", ", testClasses)}; both parts need the same.");
        }
        var order = Order(classes!, classNames, trainRoot);
        var trainFiles = Files(trainRoot, order, walker);
        var testFiles = testRoot is null ? null : Files(testRoot, order, walker);
        return new ImageFolderLayout(root, order, trainFiles, testFiles, walker.Skipped);
    }

    private static IReadOnlyList<string> Order(List<string> folders, IReadOnlyList<string>? classNames, string root)
    {
        if (folders.Count == 1)
            throw new FashionCnnException($"{root}: one class folder ({folders[0]}); a classifier needs at least two.");
        if (classNames is null) return folders;
        if (classNames.Count != folders.Count || classNames.Order(StringComparer.Ordinal).Where((n, i) => n != folders[i]).Any())
            throw new FashionCnnException(
                $"--class-names {string.Join(",", classNames)} does not name the class folders of {root}: {string.Join(", ", folders)}.");
        return classNames;
    }

    private static List<ImageEntry> Files(string partRoot, IReadOnlyList<string> classes, Walker walker)
    {
        var entries = new List<ImageEntry>();
        for (int label = 0; label < classes.Count; label++)
        {
            string folder = Path.Combine(partRoot, classes[label]);
            int before = entries.Count;
            walker.Walk(folder, label, entries, depth: 0);
            if (entries.Count == before)
                throw new FashionCnnException($"{folder}: an empty class folder (no {string.Join(" ", Extensions)} images).");
            entries.Sort(before, entries.Count - before, Comparer<ImageEntry>.Create((a, b) => string.CompareOrdinal(a.Path, b.Path)));
        }
        return entries;
    }

    private static IEnumerable<string> VisibleFolders(string directory) =>
        Directory.EnumerateDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.'));

    /// <summary>Walks class folders, keeping image files and counting what it skips.</summary>
    private sealed class Walker(string[] roots)
    {
        private int _hidden, _other, _outside;

        public SkippedFiles Skipped => new(_hidden, _other, _outside, 0, null);

        public void Walk(string folder, int label, List<ImageEntry> entries, int depth)
        {
            // One lstat a name: a folder, a link or a file and, for a file, its size and time (the cache key). FileSystemInfo's
            // attributes cost an lstat, a geteuid and, for the kind, a stat more: 0.69 s of 1.2 s for 70,000 images.
            foreach (string path in Directory.EnumerateFileSystemEntries(folder))
            {
                string name = Path.GetFileName(path);
                if (name.StartsWith('.')) { _hidden++; continue; }
                var status = FileKinds.LinkStatus(path);
                if (status?.Kind == FileKind.Link)
                {
                    var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
                    status = target is null || !roots.Any(r => target.FullName.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        ? null : FileKinds.Status(target.FullName);
                    if (status is null)
                    {
                        _outside++;
                        continue;
                    }
                }
                if (status?.Kind == FileKind.Directory)
                {
                    if (depth < MaxDepth) Walk(path, label, entries, depth + 1);
                    continue;
                }
                if (status is not { Kind: FileKind.Regular } || !Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
                {
                    _other++;
                    continue;
                }
                entries.Add(new ImageEntry(path, label, status.Size, status.ModifiedUtc));
            }
        }
    }
}
