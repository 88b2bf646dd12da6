using FashionCnn.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FashionCnn.Interop;

/// <summary>
/// PyTorch's own files: a <c>state_dict</c> saved with <c>torch.save</c> (.pt, a zip of pickles), read and
/// written with TorchSharp.PyBridge. Keys are this tool's (<c>conv2d.weight</c>, …) and the layouts are
/// PyTorch's, with the Dense after Flatten in PyTorch's (C, H, W) column order.
/// </summary>
public static class PyTorchStateDict
{
    /// <summary>
    /// What the zip's entries may declare in all: the state_dict of the largest model this tool builds is 400 MB. The
    /// zip reader inflates an entry no further than its declared size, so this bounds the memory a file can take.
    /// </summary>
    private const long MaxBytes = 1L << 30;

    public static IReadOnlyList<NamedTensor> Read(string path)
    {
        string name = Path.GetFileName(path);
        System.Collections.Hashtable table;
        try
        {
            using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
            {
                long declared = zip.Entries.Sum(e => e.Length);
                if (declared > MaxBytes)
                    throw new FashionCnnException(
                        $"{name}: its entries would inflate to {Files.InputFiles.Size(declared)}; a PyTorch state_dict this tool reads is at most {Files.InputFiles.Size(MaxBytes)}.");
            }
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (ParserFailure.IsFrom(e, typeof(PyTorchUnpickler).Assembly, typeof(Razorvine.Pickle.Unpickler).Assembly,
                                      typeof(System.IO.Compression.ZipArchive).Assembly, typeof(torch).Assembly))
        {
            throw new FashionCnnException($"{name}: not a readable PyTorch state_dict ({ParserFailure.Reason(e)}).", e);
        }

        var tensors = new List<NamedTensor>();
        foreach (System.Collections.DictionaryEntry entry in table)
        {
            if (entry.Value is not Tensor tensor)
                throw new FashionCnnException($"{name}: entry {entry.Key} is not a tensor; save model.state_dict(), not the model object.");
            using (tensor)
            {
                if (!tensor.is_floating_point()) continue; // BatchNorm's num_batches_tracked
                using var cpu = tensor.to_type(ScalarType.Float32).cpu().contiguous();
                tensors.Add(new NamedTensor((string)entry.Key, cpu.shape, cpu.data<float>().ToArray()));
            }
        }
        return tensors;
    }

    public static void Write(Stream output, IReadOnlyList<NamedTensor> weights)
    {
        var dict = new Dictionary<string, Tensor>();
        try
        {
            foreach (var weight in weights) dict[weight.Name] = tensor(weight.Values, weight.Shape);
            PyTorchPickler.PickleStateDict(output, dict, leaveOpen: true);
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }
}
