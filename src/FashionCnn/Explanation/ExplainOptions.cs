using FashionCnn.Interop;
using FashionCnn.Compute;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Prediction;

namespace FashionCnn.Explanation;

/// <summary>How a map is made: Grad-CAM, saliency or occlusion sensitivity.</summary>
public enum ExplainMethod { GradCam, Saliency, Occlusion }

public static class ExplainMethodNames
{
    public static readonly Spelling<ExplainMethod> Spelling = new("--method",
        ("gradcam", ExplainMethod.GradCam), ("saliency", ExplainMethod.Saliency), ("occlusion", ExplainMethod.Occlusion));

    /// <summary>Every method as the command line spells it.</summary>
    public static IReadOnlyList<string> All => Spelling.Names;

    public static string Name(this ExplainMethod method) => Spelling.Name(method);

    /// <summary>The method as a title names it.</summary>
    public static string Title(this ExplainMethod method) => method switch
    {
        ExplainMethod.GradCam => "Grad-CAM",
        ExplainMethod.Saliency => "Saliency",
        _ => "Occlusion",
    };

    public static ExplainMethod Parse(string name) => Spelling.Parse(name);
}

/// <summary>What <c>fashioncnn explain</c> is asked to do. The images come from exactly one of files, indices or mistakes.</summary>
public sealed record ExplainOptions
{
    /// <summary>The model file (any the loader reads, or an ONNX file where the verb runs one) and the architecture of a weights-only file.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>Pictures (PNG or JPEG), prepared as <c>predict</c> prepares them.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Or images of <see cref="Split"/> by index.</summary>
    public IReadOnlyList<int> Indices { get; init; } = [];

    /// <summary>Or this many most confident mistakes on <see cref="Split"/>, ranked as <c>evaluate</c> ranks them.</summary>
    public int? Misclassified { get; init; }

    /// <summary>Where indices and mistakes come from (see <see cref="DataSplitNames.Help"/>).</summary>
    public DataSplit Split { get; init; } = DataSplit.Val;

    public ExplainMethod Method { get; init; } = ExplainMethod.GradCam;

    /// <summary>Grad-CAM's convolution (index or name); null for the last Conv2D.</summary>
    public string? Layer { get; init; }

    /// <summary>Whose map: predicted, true (data set images only), a class number or a class name.</summary>
    public string Class { get; init; } = ClassChoice.Predicted;

    /// <summary>Occlusion's square patch, in pixels, and how far it moves between places.</summary>
    public int Patch { get; init; } = 4;

    public int Stride { get; init; } = 2;

    public Invert Invert { get; init; } = Invert.Auto;

    public string OutDir { get; init; } = Path.Combine("models", "explain");

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();

    public DataOptions Data { get; init; } = new();
}
