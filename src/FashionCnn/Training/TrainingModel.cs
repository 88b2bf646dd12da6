using FashionCnn.Checkpoints;
using FashionCnn.Interop;
using FashionCnn.Model;

namespace FashionCnn.Training;

/// <summary>
/// The model a run trains: its layers, where they came from (for the user and run.json) and, with
/// --init-from, the weights it starts from.
/// </summary>
public sealed record TrainingModel(ModelSpec Spec, string Description, IReadOnlyList<NamedTensor>? InitialWeights, string Source)
{
    /// <summary>
    /// --init-from: the file's model and weights (its architecture, or --architecture for a weights-only file);
    /// otherwise --architecture (a bundled name, a Keras JSON config or a model file's layers), by default the book's CNN.
    /// </summary>
    public static TrainingModel Build(TrainingOptions options)
    {
        if (options.InitFrom is { } path)
        {
            var loaded = ModelFile.Load(path, "--init-from", options.Architecture);
            using var net = loaded.Net;
            LoadedModel.RequireFashionMnist(net.Spec, Path.GetFileName(path));
            return new TrainingModel(net.Spec, $"{Path.GetFileName(path)} ({loaded.Format})", Checkpoint.Weights(net), Path.GetFileName(path));
        }
        string source = options.Architecture ?? ArchitectureSource.Default;
        var spec = ModelFile.Architecture(source, "--architecture");
        LoadedModel.RequireFashionMnist(spec, source);
        return new TrainingModel(spec, source, null, source);
    }
}
