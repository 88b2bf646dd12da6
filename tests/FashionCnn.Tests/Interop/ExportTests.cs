using FashionCnn.Interop;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
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

public class FlattenOrderTests
{
    [Fact]
    public void Batch_normalization_between_flatten_and_dense_is_reordered_with_the_dense_columns()
    {
        // Flatten of (H=2, W=3, C=4) → BatchNormalization → Dense: in PyTorch's flatten, feature c*6 + h*3 + w
        // is ours (h*3 + w)*4 + c, for the normalisation's vectors as for the kernel's columns.
        var spec = new ModelSpec(new TensorShape(2, 3, 4),
            [new Flatten("flatten"), new BatchNormalization("norm"), new Dense("dense", 5, Activation.Linear)]);
        float[] Ramp(int n, float scale) => Enumerable.Range(0, n).Select(i => i * scale).ToArray();
        NamedTensor[] ours =
        [
            new("norm.weight", [24], Ramp(24, 1)), new("norm.bias", [24], Ramp(24, 2)),
            new("norm.running_mean", [24], Ramp(24, 3)), new("norm.running_var", [24], Ramp(24, 4)),
            new("dense.weight", [5, 24], Ramp(120, 1)), new("dense.bias", [5], Ramp(5, 1)),
        ];

        var exported = ImportedWeights.ToChannelsFirstFlatten(spec, ours);
        var back = ImportedWeights.ToChannelsLastFlatten(spec, exported, "test");

        int h = 0, w = 1, c = 2, ourIndex = (h * 3 + w) * 4 + c, theirIndex = c * 6 + h * 3 + w;
        foreach (string vector in new[] { "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var" })
            Assert.Equal(ours.Single(t => t.Name == vector).Values[ourIndex], exported.Single(t => t.Name == vector).Values[theirIndex]);
        Assert.Equal(ours[4].Values[2 * 24 + ourIndex], exported.Single(t => t.Name == "dense.weight").Values[2 * 24 + theirIndex]);
        Assert.Equal(ours.Select(t => t.Values), back.Select(t => t.Values));
        Assert.Equal(ours[5].Values, exported.Single(t => t.Name == "dense.bias").Values);
    }
}
