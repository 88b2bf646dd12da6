using System.Text.Json;
using FashionCnn.Data;
using FashionCnn.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace FashionCnn.Inference;

/// <summary>
/// An ONNX file run by ONNX Runtime (CPU) as a classifier. The file is read and checked first
/// (<see cref="OnnxModelFile"/>); its one float input takes an image in any shape ((N, 28, 28, 1), (N, 28, 28),
/// (N, 784), (N, 32, 32, 3)), and its output gives one probability per class (two or more) per image. The pixels
/// are scaled as the file's <c>input_scaling</c> says (0–1 when a file does not say).
/// </summary>
public sealed class OnnxRuntimeClassifier : IClassifier
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _name, _input, _output;
    private readonly long[] _imageShape;
    private readonly float _scale;

    public string Format { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public Model.TensorShape InputShape => new(_imageShape.Select(d => (int)d).ToArray());

    private readonly int _classes;

    /// <summary>The Keras model the file says its graph computes (this tool's export records it); null for another tool's file.</summary>
    public Model.ModelSpec? Architecture { get; }

    /// <summary>
    /// What every session may allocate: <see cref="Compute.BatchMemory.Budget"/>, at most 4 GB (ONNX Runtime's .NET
    /// API takes the arena's cap as a 32-bit number; evaluation is as fast at a batch of 128 as at any larger one).
    /// </summary>
    public static long ArenaBytes => Math.Min(Compute.BatchMemory.Budget, uint.MaxValue);

    /// <summary>
    /// Every session allocates from one CPU arena capped at <see cref="ArenaBytes"/>, growing by what it is asked for, so
    /// a file whose batch needs more (another tool's file has no architecture to estimate from) is refused by ONNX
    /// Runtime when it asks, instead of growing until the system kills the process.
    /// </summary>
    private static readonly Lazy<bool> CappedArena = new(() =>
    {
        const int sameAsRequested = 1, runtimeDefault = -1;
        using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
        using var arena = new OrtArenaCfg((uint)ArenaBytes, sameAsRequested, runtimeDefault, runtimeDefault);
        OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
        return true;
    });

    /// <summary>Opens the .onnx file at <paramref name="path"/> with <paramref name="threads"/> threads for each run.</summary>
    public static OnnxRuntimeClassifier Open(string path, int threads) => new(OnnxModelFile.Read(path), threads);

    /// <summary>A serialized model already in memory (what <c>bench</c> exports).</summary>
    public static OnnxRuntimeClassifier FromBytes(byte[] bytes, string name, int threads) => new(OnnxModelFile.Parse(bytes, name), threads);

    private OnnxRuntimeClassifier(OnnxModel model, int threads)
    {
        _name = model.Name;
        _session = CreateSession(model, threads);
        try
        {
            (_input, _imageShape) = RequireImageInput(_session);
            (_output, _classes) = RequireClassOutput(_session);
            _scale = Scale(model);
            ClassNames = Names(model);
            Architecture = model.Metadata(OnnxFormat.ModelConfigKey) is { } config ? Model.KerasModelConfig.Parse(config, $"{_name}: metadata {OnnxFormat.ModelConfigKey}") : null;
            Format = $"ONNX opset {model.Opset}{Producer(model)}, run by ONNX Runtime {OrtEnv.Instance().GetVersionString()}";
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static InferenceSession CreateSession(OnnxModel model, int threads)
    {
        _ = CappedArena.Value;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // The library never writes to the console: problems come back as exceptions, not as ONNX Runtime's log lines.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        options.AddSessionConfigEntry("session.use_env_allocators", "1");
        try { return new InferenceSession(model.Bytes, options); }
        catch (OnnxRuntimeException e)
        {
            throw new FashionCnnException($"{model.Name}: ONNX Runtime cannot load this model ({Reason(e)}).", e);
        }
    }

    private (string Name, long[] Shape) RequireImageInput(InferenceSession session)
    {
        if (session.InputMetadata.Count != 1)
            throw new FashionCnnException($"{_name}: the model has {session.InputMetadata.Count} inputs; a classifier of images has one.");
        var (name, input) = session.InputMetadata.Single();
        long[] shape = input.IsTensor ? input.Dimensions.Skip(1).Select(d => (long)d).ToArray() : [];
        if (input.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
            || input.Dimensions.Length is < 2 or > 4 || shape.Any(d => d < 1))
            throw new FashionCnnException(
                $"{_name}: input '{name}' is {Describe(input)}; an image classifier takes float32 (N, H, W, C), (N, H, W) or (N, H·W).");
        return (name, shape);
    }

    private (string Name, int Classes) RequireClassOutput(InferenceSession session)
    {
        var (name, output) = session.OutputMetadata.FirstOrDefault(o => o.Key == OnnxFormat.OutputName, session.OutputMetadata.First());
        if (output.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
            || output.Dimensions.Length != 2 || output.Dimensions[1] < 2)
            throw new FashionCnnException(
                $"{_name}: output '{name}' is {Describe(output)}; scoring classes needs float32 (N, K) with K ≥ 2 (Fashion-MNIST: (N, {FashionClasses.Count})).");
        return (name, output.Dimensions[1]);
    }

    private float Scale(OnnxModel model) => model.Metadata(OnnxFormat.InputScalingKey) switch
    {
        null or OnnxFormat.ScaledPixels => 1f / 255,
        OnnxFormat.RawPixels => 1f,
        var other => throw new FashionCnnException(
            $"{_name}: metadata {OnnxFormat.InputScalingKey} is '{other}'; known: {OnnxFormat.ScaledPixels}, {OnnxFormat.RawPixels}."),
    };

    private IReadOnlyList<string> Names(OnnxModel model)
    {
        if (model.Metadata(OnnxFormat.ClassNamesKey) is not { } text)
            return _classes == FashionClasses.Count ? FashionClasses.Names : Data.IdxDataSource.Numbered(_classes);
        string[]? names;
        try { names = JsonSerializer.Deserialize<string[]>(text); }
        catch (JsonException e) { throw new FashionCnnException($"{_name}: metadata {OnnxFormat.ClassNamesKey} is not a JSON list of names.", e); }
        if (names is null || names.Length != _classes || names.Any(string.IsNullOrWhiteSpace))
            throw new FashionCnnException($"{_name}: metadata {OnnxFormat.ClassNamesKey} does not name the model's {_classes} outputs.");
        return names;
    }

    private static string Producer(OnnxModel model) =>
        string.IsNullOrEmpty(model.Proto.ProducerName) ? "" : $" from {model.Proto.ProducerName} {model.Proto.ProducerVersion}".TrimEnd();

    private static string Describe(NodeMetadata value) =>
        value.IsTensor
            ? $"{value.ElementDataType.ToString().ToLowerInvariant()} ({string.Join(", ", value.Dimensions.Select(d => d < 0 ? "N" : d.ToString()))})"
            : "not a tensor";

    private static string Reason(OnnxRuntimeException e) => e.Message.Split('\n')[0].TrimEnd('.', ' ');

    public float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count)
    {
        var input = new float[pixels.Length];
        for (int i = 0; i < input.Length; i++) input[i] = pixels[i] * _scale;
        using var value = OrtValue.CreateTensorValueFromMemory(input, [count, .. _imageShape]);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try { outputs = _session.Run(_runOptions, [_input], [value], [_output]); }
        catch (OnnxRuntimeException e) when (e.Message.Contains("Available memory of", StringComparison.Ordinal) || e.Message.Contains("Failed to allocate", StringComparison.Ordinal))
        {
            throw new FashionCnnException(
                $"--batch-size {count:N0}: {_name} needs more than the {Files.ByteSize.Megabytes(ArenaBytes):N0} MB ONNX Runtime may use (half of this machine's memory, at most 4 GB); use a smaller batch.", e);
        }
        catch (OnnxRuntimeException e) { throw new FashionCnnException($"{_name}: ONNX Runtime cannot run this model ({Reason(e)}).", e); }
        using (outputs)
        {
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            if (probabilities.Length != count * _classes)
                throw new FashionCnnException($"{_name}: the model gave {probabilities.Length} values for {count} images of {_classes} classes.");
            var logs = new float[probabilities.Length];
            // A probability that underflowed to 0 (a logit margin beyond about 103) counts as the smallest float, not as infinite loss.
            for (int i = 0; i < logs.Length; i++) logs[i] = MathF.Log(Math.Max(probabilities[i], float.Epsilon));
            return logs;
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
