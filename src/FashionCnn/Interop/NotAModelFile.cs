using System.Text;
using FashionCnn.Checkpoints;
using FashionCnn.Files;

namespace FashionCnn.Interop;

/// <summary>
/// What a file given as a model is when it is none: the other files fashioncnn writes (pictures, train's history and
/// run record, the data set) and reads (a Keras JSON config), named in the refusal with what they are for, so that
/// "history.json" given as --model says where that run's model is rather than only what --model takes.
/// </summary>
internal static class NotAModelFile
{
    private const int HeadBytes = 4096;
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>One sentence for the user: what the file is and, where there is one, which file or option it is for.</summary>
    public static string Refusal(string path, string option)
    {
        string name = Path.GetFileName(path);
        string takes = $"{option} takes a fashioncnn or PyTorch .safetensors, a Keras .h5, .weights.h5 or .keras, or a PyTorch .pt state_dict";
        if (Describe(path, option) is not var (what, ofARun))
            return $"{name}: not a model file fashioncnn can read ({takes}).";
        string model = ofARun && CheckpointNextTo(path) is { } checkpoint ? $" (that run's model is {checkpoint} next to it)" : "";
        return $"{name} is {what}, not a model{model}; {takes}.";
    }

    /// <summary>What the file is, and whether it is one of the files a training run writes beside its model.</summary>
    private static (string What, bool OfARun)? Describe(string path, string option)
    {
        byte[] head = InputFiles.ReadHead(path, HeadBytes, option);
        if (head.AsSpan().StartsWith(PngSignature)) return ("a PNG picture (fashioncnn draws its plots, kernels and maps as PNG)", false);
        if (head is [0x1f, 0x8b, ..]) return ("gzip-compressed data, such as the Fashion-MNIST IDX files --data-dir points to", false);
        if (head is [0, 0, 8, 1 or 3, ..]) return ("a Fashion-MNIST IDX file, for --data-dir", false);
        string text = Encoding.UTF8.GetString(head).TrimStart();
        if (text.StartsWith("epoch,loss,", StringComparison.Ordinal) || (text.StartsWith('[') && text.Contains("\"val_loss\"", StringComparison.Ordinal)))
            return ("a training history, written by train for its curves", true);
        if (text.StartsWith('{') && text.Contains("\"options\"", StringComparison.Ordinal) && text.Contains("\"versions\"", StringComparison.Ordinal))
            return ("a run record, written by train to say how a model was made", true);
        if (text.StartsWith('{') && text.Contains("\"class_name\"", StringComparison.Ordinal) && text.Contains("\"layers\"", StringComparison.Ordinal))
            return ("a Keras model config, an architecture without weights (for --architecture, with a weights-only --model)", false);
        return null;
    }

    /// <summary>The checkpoint train writes in the folder of <paramref name="path"/>, when there is one.</summary>
    private static string? CheckpointNextTo(string path)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return new[] { Checkpoint.FileName, Checkpoint.DenseFileName }.FirstOrDefault(f => File.Exists(Path.Combine(folder, f)));
    }
}
