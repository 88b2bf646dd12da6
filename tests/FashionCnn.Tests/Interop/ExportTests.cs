using FashionCnn.Interop;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Interop;

public class ExportTests
{
    [Theory]
    [InlineData(ExportFormat.Pt, "model.pt")]
    [InlineData(ExportFormat.SafeTensors, "model.safetensors")]
    public void Export_then_import_gives_identical_logits(ExportFormat format, string fileName)
    {
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(21);
        Checkpoint.Save(net, temp.File("ours.safetensors"));
        var original = ModelFile.Load(temp.File("ours.safetensors"));
        using var images = rand(6, 1, 28, 28, generator: new Generator(4));
        using var before = original.Net.call(images);

        ModelExport.Write(original, format, temp.File(fileName));
        var imported = ModelFile.Load(temp.File(fileName));
        using var after = imported.Net.call(images);

        Assert.True(before.allclose(after, 0, 0));
    }

    [Fact]
    public void Exported_dense_columns_follow_pytorchs_channel_first_flatten()
    {
        // In PyTorch's flatten of (C=64, H=7, W=7) the input feature c*49 + h*7 + w is ours (h*7 + w)*64 + c.
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(3);
        Checkpoint.Save(net, temp.File("ours.safetensors"));
        ModelExport.Write(ModelFile.Load(temp.File("ours.safetensors")), ExportFormat.SafeTensors, temp.File("export.safetensors"));

        var ours = Checkpoint.Weights(net).Single(w => w.Name == "dense.weight");
        var exported = SafeTensors.Read(temp.File("export.safetensors")).Find("dense.weight")!;
        int c = 5, h = 2, w = 3, output = 7;

        Assert.Equal(ours.Values[output * 3136 + (h * 7 + w) * 64 + c], exported.Values[output * 3136 + c * 49 + h * 7 + w]);
        Assert.Equal("chw", SafeTensors.Read(temp.File("export.safetensors")).Metadata["flatten_order"]);
    }
}
