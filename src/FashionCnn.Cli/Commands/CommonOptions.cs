using System.CommandLine;
using FashionCnn.Checkpoints;
using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Model;

namespace FashionCnn.Cli.Commands;

/// <summary>Options that several verbs share, declared once so their names and help read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"Folder with the four Fashion-MNIST IDX files (.gz or not). Default: ${DataDirectory.EnvironmentVariable}, "
                      + $"then ./{DataDirectory.RepositoryFolder}, then {DataDirectory.DebianFolder}.",
        HelpName = "DIR",
    };

    /// <summary>--model; <paramref name="onnx"/> for the verbs that also run an .onnx file (in ONNX Runtime).</summary>
    public static Option<string> Model(bool onnx = false)
    {
        var option = new Option<string>("--model")
        {
            Description = "Model file: a fashioncnn .safetensors, a Keras .h5, .weights.h5 or .keras, or a PyTorch .pt state_dict"
                          + (onnx ? ", or an .onnx file that export wrote (run in ONNX Runtime) " : " ")
                          + $"(default: {Path.Combine("models", Checkpoint.FileName)}, or {Path.Combine("models", Checkpoint.DenseFileName)} when only that exists).",
            DefaultValueFactory = _ => Interop.ModelSource.DefaultPath(),
            HelpName = "PATH",
        };
        // Before any training the default names nothing yet: say what to do rather than "file not found".
        option.Validators.Add(result =>
        {
            if (result.Implicit && result.GetValueOrDefault<string>() is { } path && !Path.Exists(path))
                result.AddError($"no model at {path} yet: train one with 'fashioncnn train', or give --model "
                                + $"(the book's own checkpoint is {Path.Combine("models", "book", "best-cnn-model.h5")} in the repository).");
        });
        return option;
    }

    public static Option<string?> Architecture(string description) => new("--architecture")
    {
        Description = description,
        HelpName = "NAME|FILE",
    };

    /// <summary>The --architecture of verbs that read a model: only weights-only files need it.</summary>
    public static Option<string?> ArchitectureForWeights() => Architecture(
        "For a weights-only --model (save_weights, a PyTorch state_dict): its architecture, as a bundled name (see 'fashioncnn summary --list'), "
        + "a Keras JSON config (model.to_json()) or a model file whose layers are used.");

    /// <summary>--split with the same names and meanings in every verb.</summary>
    public static Option<string> Split(DataSplit fallback, string purpose) =>
        Choice("--split", $"{purpose}: {DataSplitNames.Help}.", fallback.Name(), [.. DataSplitNames.All]);

    public static Option<string> Precision() => Choice("--precision",
        "float32, or mixed_bfloat16 as Keras' mixed precision policy: bfloat16 compute (fast on CPUs with avx512_bf16 or AMX), float32 weights, optimizer state and loss.",
        ComputeDefaults.Precision.Name(), [.. FashionCnn.Model.Precisions.Names]);

    public static Option<string> Device() =>
        Choice("--device", "Where to compute: auto (CUDA when available), cpu or cuda.", ComputeDefaults.Device.Name(), [.. Compute.DeviceChoices.Spelling.Names]);

    /// <summary>The library's defaults for the device, threads and precision.</summary>
    private static readonly ComputeOptions ComputeDefaults = new();

    /// <summary>The device, threads and precision options as the library takes them; a verb without --precision computes in float32.</summary>
    public static Compute.ComputeOptions ReadCompute(ParseResult parsed, Option<string> device, Option<int> threads, Option<string>? precision = null) => new()
    {
        Device = Compute.DeviceChoices.Spelling.Parse(parsed.GetValue(device)!),
        Threads = parsed.GetValue(threads),
        Precision = precision is null ? FashionCnn.Model.Precision.Float32 : FashionCnn.Model.Precisions.Parse(parsed.GetValue(precision)!),
    };

    /// <summary>
    /// An option with a fixed set of values: help lists them in lower case, the parser accepts any case and
    /// gives the value back as help shows it, and anything else is one error listing the values.
    /// </summary>
    public static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            HelpName = string.Join('|', values),
            CustomParser = result =>
            {
                string given = result.Tokens.Count > 0 ? result.Tokens[0].Value : fallback;
                string? match = values.FirstOrDefault(v => string.Equals(v, given, StringComparison.OrdinalIgnoreCase));
                if (match is not null) return match;
                result.AddError($"{name} must be {OneOf(values)} (got {given})");
                return fallback;
            },
        };
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>A name given in any case as its own spelling (Cosine is cosine, as in <see cref="Choice"/>); anything else, a file name, as given.</summary>
    public static string NameInAnyCase(string given, IEnumerable<string> names) =>
        names.FirstOrDefault(n => string.Equals(n, given, StringComparison.OrdinalIgnoreCase)) ?? given;

    private static string OneOf(string[] values) => values.Length == 1 ? values[0] : $"{string.Join(", ", values[..^1])} or {values[^1]}";

    public static Option<int> BatchSize(int fallback, int maximum, string description) => new Option<int>("--batch-size")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
    };

    public static Option<int> Threads() => new Option<int>("--threads")
    {
        Description = "CPU threads for libtorch; the default is this machine's number of cores.",
        DefaultValueFactory = _ => ComputeDefaults.Threads,
    };

    /// <summary>A path as the user would type it: relative below the current folder, absolute elsewhere.</summary>
    public static string DisplayPath(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
