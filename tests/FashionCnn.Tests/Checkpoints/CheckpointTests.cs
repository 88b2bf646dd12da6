using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Files;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Checkpoints;

public class CheckpointTests
{
    [Fact]
    public void Save_then_load_gives_the_same_logits()
    {
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(11);
        net.eval();
        using var images = rand(4, 1, 28, 28, generator: new Generator(5));
        using var before = net.call(images);

        Checkpoint.Save(net, temp.File("model.safetensors"), new Dictionary<string, string> { ["epoch"] = "3" });
        var loaded = Checkpoint.Load(temp.File("model.safetensors"));
        using var after = loaded.Net.call(images);

        Assert.True(before.allclose(after, 0, 0));
        Assert.Equal("3", loaded.Metadata["epoch"]);
        Assert.Equal("Ankle boot", loaded.ClassNames[9]);
        Assert.Equal(ModelSpec.Book.Layers, loaded.Net.Spec.Layers);
        Assert.False(loaded.Net.training);
    }

    [Fact]
    public void File_follows_the_safetensors_layout_that_pytorch_reads()
    {
        // Parsed here by hand from the format's definition, not with this project's reader.
        using var temp = new TempFolder();
        using var net = new SequentialNet(ModelSpec.Book);
        net.InitializeLikeKeras(1);
        Checkpoint.Save(net, temp.File("m.safetensors"));

        byte[] bytes = File.ReadAllBytes(temp.File("m.safetensors"));
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var conv = header.RootElement.GetProperty("conv2d_1.weight");
        var offsets = conv.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        float first = BitConverter.ToSingle(bytes, (int)(8 + headerLength + offsets[0]));

        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.Equal("F32", conv.GetProperty("dtype").GetString());
        Assert.Equal([64L, 32, 3, 3], conv.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(64 * 32 * 9 * 4, offsets[1] - offsets[0]);
        Assert.Equal(net.WeightAndBias(2).Weight[0, 0, 0, 0].item<float>(), first);
        var metadata = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("fashioncnn/1", metadata.GetProperty("format").GetString());
        Assert.Contains("\"Conv2D\"", metadata.GetProperty("model_config").GetString());
        Assert.Equal(333_526 * 4, bytes.Length - 8 - headerLength);
    }

    [Fact]
    public void Model_config_round_trips_through_keras_json()
    {
        var spec = KerasModelConfig.Parse(KerasModelConfig.ToJson(ModelSpec.Book), "test");

        Assert.Equal(ModelSpec.Book.InputShape, spec.InputShape);
        Assert.Equal(ModelSpec.Book.Layers, spec.Layers);
    }

    [Fact]
    public void A_safetensors_file_without_our_metadata_is_a_clear_error()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("plain.safetensors"),
            SafeTensors.Serialize([new NamedTensor("x", [2], [1f, 2f])], new Dictionary<string, string>()));

        var error = Assert.Throws<FashionCnnException>(() => Checkpoint.Load(temp.File("plain.safetensors")));

        Assert.Contains("plain.safetensors", error.Message);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_named()
    {
        using var net = new SequentialNet(ModelSpec.Book);
        var weights = Checkpoint.Weights(net);
        weights[0] = weights[0] with { Shape = [16, 1, 3, 3], Values = new float[144] };

        var error = Assert.Throws<FashionCnnException>(() => Checkpoint.LoadWeights(net, weights, "m.safetensors"));

        Assert.Contains("conv2d.weight", error.Message);
        Assert.Contains("(16, 1, 3, 3)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    public void Truncated_files_are_rejected_with_the_file_named(int keep)
    {
        using var temp = new TempFolder();
        byte[] good = SafeTensors.Serialize([new NamedTensor("x", [4], [1f, 2f, 3f, 4f])], new Dictionary<string, string> { ["a"] = "b" });
        File.WriteAllBytes(temp.File("cut.safetensors"), good[..Math.Min(keep, good.Length - 1)]);

        var error = Assert.Throws<FashionCnnException>(() => SafeTensors.Read(temp.File("cut.safetensors")));

        Assert.StartsWith("cut.safetensors:", error.Message);
    }

    [Fact]
    public void Offsets_beyond_the_data_are_rejected()
    {
        byte[] good = SafeTensors.Serialize([new NamedTensor("x", [4], [1f, 2f, 3f, 4f])], new Dictionary<string, string>());
        string forged = Encoding.UTF8.GetString(good, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(good)).Replace("[0,16]", "[0,1600]");
        byte[] header = Encoding.UTF8.GetBytes(forged);
        byte[] bad = [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. good[(8 + header.Length)..]];

        Assert.Throws<FashionCnnException>(() => SafeTensors.Parse(bad, "forged"));
    }
}

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_old_file_whole_and_no_temporary_behind()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.safetensors");
        File.WriteAllText(path, "old content");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new, half"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_successful_write_replaces_the_file()
    {
        using var temp = new TempFolder();
        string path = temp.File("history.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }
}
