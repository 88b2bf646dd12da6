using System.IO.Compression;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using PureHDF;

namespace FashionCnn.Interop;

/// <summary>A model read from another tool's file: its layers and its weights in this tool's names and layouts.</summary>
public sealed record ImportedModel(ModelSpec Spec, IReadOnlyList<NamedTensor> Weights, string Format);

/// <summary>
/// Reads Keras files with PureHDF, as Keras' own loader of the version that wrote them does:
/// <list type="bullet">
/// <item>HDF5 from <c>model.save('x.h5')</c> (Keras 2, and Keras 3's legacy format): the <c>model_config</c>
/// attribute and the legacy weights under <c>model_weights</c> (<see cref="KerasLegacyWeights"/>);</item>
/// <item>HDF5 from <c>save_weights</c>: legacy (<c>layer_names</c> at the root) or saving_lib (<c>layers/…</c>,
/// <c>_layer_checkpoint_dependencies…</c>) weights only, with the architecture given separately;</item>
/// <item>the <c>.keras</c> zip of Keras 2.13 and later: <c>config.json</c>, <c>metadata.json</c> and
/// <c>model.weights.h5</c> (<see cref="KerasSavingLibWeights"/>).</item>
/// </list>
/// </summary>
public static class KerasModelFile
{
    /// <summary>A model config is kilobytes; a weights file of the largest model this tool builds is 400 MB plus the optimizer's state.</summary>
    private const long MaxWeightsBytes = 1L << 30;

    public static ImportedModel ReadH5(string path, ModelSpec? architecture, string architectureSource)
    {
        string name = Path.GetFileName(path);
        return Guard(name, "Keras HDF5", () =>
        {
            using var file = H5File.OpenRead(path);
            string? config = KerasHdf5.String(file, "model_config");
            string version = KerasHdf5.String(file, "keras_version") ?? "2";
            if (config is not null)
            {
                RequireNoArchitecture(architecture, name);
                var spec = KerasModelConfig.Parse(config, name);
                var weightsGroup = KerasHdf5.GroupOrNull(file, "model_weights")
                    ?? throw new FashionCnnException($"{name}: Keras HDF5 file without model_weights.");
                return new ImportedModel(spec, KerasLegacyWeights.Read(weightsGroup, spec, name), $"Keras {version} HDF5");
            }
            if (KerasLegacyWeights.IsWeightsGroup(file))
            {
                var spec = RequireArchitecture(architecture, name);
                return new ImportedModel(spec, KerasLegacyWeights.Read(file, spec, name), $"Keras {version} HDF5 weights + {architectureSource}");
            }
            if (KerasSavingLibWeights.IsWeightsFile(file))
            {
                var spec = RequireArchitecture(architecture, name);
                return new ImportedModel(spec, KerasSavingLibWeights.Read(file, spec, null, name), $"Keras .weights.h5 + {architectureSource}");
            }
            throw new FashionCnnException($"{name}: an HDF5 file, but neither a Keras model (model_config) nor Keras weights (layer_names, layers/).");
        });
    }

    public static ImportedModel ReadKeras(string path, ModelSpec? architecture)
    {
        string name = Path.GetFileName(path);
        return Guard(name, "Keras .keras", () =>
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry("config.json")
                ?? throw new FashionCnnException($"{name}: zip file without config.json; not a Keras .keras file.");
            var weightsEntry = zip.GetEntry("model.weights.h5")
                ?? throw new FashionCnnException($"{name}: .keras file without model.weights.h5.");
            RequireNoArchitecture(architecture, name);
            var spec = KerasModelConfig.Parse(ReadText(configEntry, ArchitectureSource.KerasJsonLimit, name), name);
            string? version = zip.GetEntry("metadata.json") is { } metadata ? KerasVersion(ReadText(metadata, 1 << 20, name)) : null;

            using var file = H5File.Open(ReadBytes(weightsEntry, MaxWeightsBytes, name), leaveOpen: false);
            return new ImportedModel(spec, KerasSavingLibWeights.Read(file, spec, version, name), $"Keras {version ?? "3"} .keras");
        });
    }

    /// <summary>The Keras JSON config inside a .keras file, for --architecture.</summary>
    public static ModelSpec ReadKerasConfig(string path)
    {
        string name = Path.GetFileName(path);
        return Guard(name, "Keras .keras", () =>
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry("config.json")
                ?? throw new FashionCnnException($"{name}: zip file without config.json; not a Keras .keras file.");
            return new ImportedModel(KerasModelConfig.Parse(ReadText(configEntry, ArchitectureSource.KerasJsonLimit, name), name), [], "");
        }).Spec;
    }

    private static void RequireNoArchitecture(ModelSpec? architecture, string name)
    {
        if (architecture is not null)
            throw new FashionCnnException($"{name} holds its own architecture; --architecture is only for weights-only files.");
    }

    private static ModelSpec RequireArchitecture(ModelSpec? architecture, string name) => architecture
        ?? throw new FashionCnnException(
            $"{name}: a weights-only file (save_weights) lacks the architecture; give it with --architecture (a bundled name such as 7-3-dropout, a Keras JSON file, or a model file).");

    private static string? KerasVersion(string metadata)
    {
        try
        {
            return JsonFormat.ParseStrict(metadata)?["keras_version"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? s) ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An entry's bytes, refused when its declared size is over the limit, and never read past it whatever the header says.</summary>
    private static MemoryStream ReadBytes(ZipArchiveEntry entry, long limit, string name)
    {
        if (entry.Length > limit)
            throw new FashionCnnException($"{name}: {entry.FullName} would inflate to {InputFiles.Size(entry.Length)}; a Keras {entry.FullName} is at most {InputFiles.Size(limit)}.");
        // The declared size is a claim of the file: it bounds the read, but memory is only taken as bytes arrive.
        var buffer = new MemoryStream((int)Math.Min(entry.Length, 1 << 20));
        using (var stream = entry.Open())
        {
            var chunk = new byte[81920];
            for (int read; (read = stream.Read(chunk)) > 0;)
            {
                if (buffer.Length + read > limit)
                    throw new FashionCnnException($"{name}: {entry.FullName} inflates to more than {InputFiles.Size(limit)}.");
                buffer.Write(chunk, 0, read);
            }
        }
        buffer.Position = 0;
        return buffer;
    }

    private static string ReadText(ZipArchiveEntry entry, long limit, string name)
    {
        using var bytes = ReadBytes(entry, limit, name);
        try { return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray()); }
        catch (System.Text.DecoderFallbackException) { throw new FashionCnnException($"{name}: {entry.FullName} is not UTF-8 text."); }
    }

    /// <summary>
    /// Runs a read of an untrusted file: this tool's own errors pass through, what the HDF5 or zip reader throws
    /// on malformed content becomes one sentence naming the file, and anything else is a bug and propagates.
    /// </summary>
    private static ImportedModel Guard(string name, string kind, Func<ImportedModel> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not FashionCnnException && ParserFailure.IsFrom(e, typeof(H5File).Assembly, typeof(ZipArchive).Assembly))
        {
            throw new FashionCnnException($"{name}: not a readable {kind} file ({ParserFailure.Reason(e)}).", e);
        }
    }
}
