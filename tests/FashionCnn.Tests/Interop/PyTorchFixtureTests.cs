using System.IO.Compression;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Interop;

/// <summary>
/// A small CNN's state_dict as Debian's PyTorch 1.13 wrote it (Fixtures/write-pytorch-fixtures.py, run once; the files
/// are kept): what PyTorch writes is the reference for what export writes, and PyTorch's logits for what import reads.
/// </summary>
public class PyTorchFixtureTests
{
    private static readonly string Fixtures = Path.Combine(TestPaths.RepositoryRoot, "tests", "FashionCnn.Tests", "Interop", "Fixtures");

    /// <summary>The Keras model whose PyTorch twin the script saved: Conv2D(4, 3×3, same) → MaxPool(2) → Flatten → Dense(10).</summary>
    private static readonly ModelSpec SmallCnn = new(new TensorShape(28, 28, 1),
        [new Conv2D("conv2d", 4, 3, Activation.Relu), new MaxPooling2D("pool"), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);

    private static LoadedModel Load(string file, TempFolder temp)
    {
        File.WriteAllText(temp.File("small-cnn.json"), KerasModelConfig.ToJson(SmallCnn));
        return ModelFile.Load(Path.Combine(Fixtures, file), architecture: temp.File("small-cnn.json"));
    }

    [Theory]
    [InlineData("small-cnn.pt")]
    [InlineData("small-cnn.safetensors")]
    public void A_state_dict_pytorch_wrote_gives_pytorchs_logits(string file)
    {
        using var temp = new TempFolder();
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "small-cnn.json"))).RootElement;
        float[][] expected = reference.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var test = FashionMnist.Load(TestPaths.DataDirectory).Test.Take(4);
        using var net = Load(file, temp).Net;
        net.eval();

        using var pixels = tensor(test.Pixels, [4, 1, 28, 28], ScalarType.Byte);
        using var logits = net.call(net.InputFromPixels(pixels));

        float[] actual = logits.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 10; c++)
                Assert.True(Math.Abs(expected[i][c] - actual[i * 10 + c]) < 1e-5, $"image {i}, class {c}: PyTorch {expected[i][c]}, ours {actual[i * 10 + c]}");
    }

    [Fact]
    public void A_pt_export_holds_the_tensors_pytorch_saved_in_its_order_and_byte_for_byte()
    {
        using var temp = new TempFolder();
        ModelExport.Write(Load("small-cnn.pt", temp), ExportFormat.Pt, temp.File("export.pt"));

        var theirs = Storages(Path.Combine(Fixtures, "small-cnn.pt"));
        var ours = Storages(temp.File("export.pt"));

        Assert.Equal(theirs.Keys, ours.Keys);
        foreach (var (entry, bytes) in theirs) Assert.True(bytes.SequenceEqual(ours[entry]), $"{entry} differs");
    }

    [Fact]
    public void A_safetensors_export_has_the_names_shapes_and_bytes_of_pytorchs_tensors()
    {
        using var temp = new TempFolder();
        ModelExport.Write(Load("small-cnn.pt", temp), ExportFormat.SafeTensors, temp.File("export.safetensors"));

        var theirs = Tensors(Path.Combine(Fixtures, "small-cnn.safetensors"));
        var ours = Tensors(temp.File("export.safetensors"));

        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        foreach (var (name, (dtype, shape, bytes)) in theirs)
        {
            Assert.Equal(dtype, ours[name].Dtype);
            Assert.Equal(shape, ours[name].Shape);
            Assert.True(bytes.SequenceEqual(ours[name].Bytes), $"{name} differs");
        }
    }

    /// <summary>A torch.save zip's tensor storages (data/0, data/1, …) by entry name without the archive's folder, read as plain zip entries.</summary>
    private static SortedDictionary<string, byte[]> Storages(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var storages = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName[(entry.FullName.IndexOf('/') + 1)..];
            if (!name.StartsWith("data/", StringComparison.Ordinal)) continue;
            using var stream = entry.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            storages[name] = bytes.ToArray();
        }
        return storages;
    }

    /// <summary>A safetensors file's tensors read by the format's definition (length, JSON header, data), not by the tool's reader.</summary>
    private static Dictionary<string, (string Dtype, int[] Shape, byte[] Bytes)> Tensors(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int length = (int)BitConverter.ToUInt64(file, 0);
        using var header = JsonDocument.Parse(file.AsMemory(8, length));
        return header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToDictionary(p => p.Name, p =>
        {
            int[] offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            int[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            return (p.Value.GetProperty("dtype").GetString()!, shape, file[(8 + length + offsets[0])..(8 + length + offsets[1])]);
        });
    }
}
