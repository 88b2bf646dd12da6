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
    /// A bundled architecture follows the data (its input shape and class count); any other model must already match it.
    /// </summary>
    public static TrainingModel Build(TrainingOptions options, DataSummary data)
    {
        if (options.InitFrom is { } path)
        {
            var loaded = ModelFile.Load(path, "--init-from", options.Architecture);
            using var net = loaded.Net;
            string name = Path.GetFileName(path);
            LoadedModel.RequireClassifier(net.Spec, name);
            RequireFits(net.Spec, data, name);
            return new TrainingModel(net.Spec, $"{name} ({loaded.Format})", Checkpoint.Weights(net), name);
        }
        string given = options.Architecture ?? ArchitectureSource.Default;
        // A bundled name under its own spelling, so the run's identity is the same whatever case it was typed in.
        string source = ArchitectureSource.Find(given)?.Name ?? given;
        var spec = ModelFile.Architecture(source, "--architecture");
        if (ArchitectureSource.Find(source) is not null)
            spec = spec.ForData(data.Shape.Height, data.Shape.Width, data.Shape.Channels, data.ClassNames.Count).Checked(source);
        LoadedModel.RequireClassifier(spec, source);
        RequireFits(spec, data, source);
        return new TrainingModel(spec, source, null, source);
    }

    /// <summary>A model given by the user must take the data's images and score exactly its classes.</summary>
    private static void RequireFits(ModelSpec spec, DataSummary data, string source)
    {
        var shape = data.Shape;
        var images = new TensorShape(shape.Height, shape.Width, shape.Channels);
        bool fits = spec.InputShape.Rank == 3 ? spec.InputShape.Equals(images) : spec.InputShape.ElementCount == shape.Values;
        if (!fits)
            throw new FashionCnnException($"{source} takes {spec.InputShape} input; the data's images are {shape} {images}.");
        if (spec.OutputUnits != data.ClassNames.Count)
            throw new FashionCnnException(
                $"{source} scores {spec.OutputUnits} classes; the data has {data.ClassNames.Count} ({string.Join(", ", data.ClassNames)}).");
    }
}
