using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;

namespace FashionCnn.Interop;

/// <summary>
/// The model a verb reads: any file <see cref="ModelFile"/> loads (by default the checkpoint <c>train</c> writes) and, for
/// a weights-only file, the architecture it lacks. One record for evaluate, predict, explain and visualize, checked in
/// one place (<see cref="Require"/>).
/// </summary>
public sealed record ModelSource(string Path, string? Architecture = null)
{
    /// <summary>train's checkpoint of the book's CNN in the default model folder.</summary>
    public static ModelSource Default { get; } = new(System.IO.Path.Combine("models", Checkpoint.FileName));

    /// <summary>What <c>train</c> wrote last into ./models: the CNN's checkpoint, or a dense model's when only that is there.</summary>
    public static string DefaultPath()
    {
        string cnn = Default.Path, dense = System.IO.Path.Combine("models", Checkpoint.DenseFileName);
        return !File.Exists(cnn) && File.Exists(dense) ? dense : cnn;
    }

    /// <summary>The source, or the one-line refusal of a --model that is not a readable file or an --architecture that cannot be one.</summary>
    public ModelSource Require()
    {
        InputFiles.Require(Path, "--model");
        ArchitectureSource.RequireOption(Architecture, "--architecture");
        return this;
    }
}
