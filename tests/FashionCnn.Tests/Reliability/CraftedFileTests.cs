using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.EndToEnd;
using FashionCnn.Tests.Interop;

namespace FashionCnn.Tests.Reliability;

/// <summary>
/// Files made to break the loaders (repeated keys, impossible sizes, forged configs, overlapping tensors, bombs) and
/// option values a machine cannot honour: each is one line naming the file (and the layer, tensor or option), exit
/// code 2, in seconds, with the process's managed heap capped far below what the file asks for, so that reading it
/// whole would end in out of memory (exit 1) instead.
/// </summary>
public class CraftedFileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>The managed heap of each run: a refused file needs a few MB, the bombs below ask for 300 MB and more.</summary>
    private const string HeapLimit = "0x10000000"; // 256 MB

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly string BookModel = Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.h5");

    /// <summary>A case: what it is, and, made in a folder, the command line and what its one line must say.</summary>
    private sealed record Crafted(string[] Args, params string[] Expected);

    private static readonly Dictionary<string, Func<TempFolder, Crafted>> Cases = new()
    {
        // Class 3: input that used to end in a stack trace.
        ["safetensors header with a repeated key"] = t => Summary(SafeTensorsFile(t.File("dup.safetensors"),
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4), "dup.safetensors", "repeats a key"),
        ["__metadata__ with a repeated key"] = t => Summary(SafeTensorsFile(t.File("meta.safetensors"),
            """{"__metadata__":{"format":"x","format":"y"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4), "meta.safetensors", "repeats a key"),
        ["Keras config with two layers of one name"] = t => Summary(KerasH5(t, "twice.h5", c => Layer(c, "conv2d_1")["name"] = "conv2d"), "twice.h5", "2 layers are named conv2d"),
        ["Keras config with a null kernel size"] = t => Summary(KerasH5(t, "null.h5", c => Layer(c, "conv2d")["kernel_size"] = JsonNode.Parse("null")), "null.h5", "layer conv2d (Conv2D)", "kernel_size"),
        ["Keras config with only an InputLayer"] = t => Summary(KerasH5(t, "input.h5", c => Layers(c).RemoveRange(1, Layers(c).Count - 1)), "input.h5", "no layers"),
        ["class_names of the wrong count"] = t => Summary(Checkpoint9Classes(t.File("nine.safetensors")), "nine.safetensors", "9 names", "10 outputs"),
        ["a resume state without its callbacks"] = t => Resume(t, """{"CompletedEpochs":1,"Callbacks":null,"Identity":null}""", "not a complete fashioncnn resume state"),
        ["a resume state whose callbacks are a list"] = t => Resume(t, """{"CompletedEpochs":1,"Callbacks":[1,2],"Identity":null}""", "not a fashioncnn resume file"),
        ["--vmin nan"] = _ => new Crafted(["visualize", "--vmin", "nan", "--model", BookModel], "--vmin"),

        // Class 4: small files and values that asked for unbounded memory.
        ["a .keras whose config.json inflates to 300 MB"] = t => Summary(KerasBomb(t.File("bomb.keras"), forgeDeclaredSize: false), "bomb.keras", "config.json", "8.0 MB"),
        ["a .keras whose config.json says 1 kB and inflates to 300 MB"] = t => Summary(KerasBomb(t.File("forged.keras"), forgeDeclaredSize: true), "forged.keras"),
        ["a .pt whose tensor storage claims 2 GB"] = t => Summary(PyTorchClaiming2GB(t.File("claims.pt")), "claims.pt", "would inflate to 2049.3 MB", "at most 1024.0 MB"),
        ["a batch no machine holds"] = t => new Crafted(["bench", "--architecture", HugeActivations(t), "--batch-size", "48000", "--device", "cpu"], "--batch-size 48,000", "MB"),
        ["an evaluation batch no machine holds"] = t => new Crafted(["bench", "--architecture", HugeActivations(t), "--batch-size", "1", "--eval-batch-size", "60000", "--device", "cpu"], "--eval-batch-size 60,000"),
        ["--threads 10000"] = _ => new Crafted(["bench", "--threads", "10000", "--device", "cpu"], "--threads", "per core"),

        // Class 5: what a model file asks to build, checked before it is built.
        ["Conv2D with 10^9 filters"] = t => Summary(KerasH5(t, "filters.h5", c => Layer(c, "conv2d")["filters"] = 1_000_000_000), "filters.h5", "layer conv2d (Conv2D)", "filters"),
        ["Dense with 10^9 units"] = t => Summary(KerasH5(t, "units.h5", c => Layer(c, "dense")["units"] = 1_000_000_000), "units.h5", "layer dense (Dense)", "units"),
        ["a 10^5 kernel"] = t => Summary(KerasH5(t, "kernel.h5", c => Layer(c, "conv2d")["kernel_size"] = JsonNode.Parse("[100000, 100000]")), "kernel.h5", "layer conv2d (Conv2D)", "kernel_size"),
        ["a 3-D kernel in an .h5"] = t => Summary(Kernel3D(t.File("3d.h5")), "3d.h5", "conv2d", "(9, 2, 3)"),
        ["a weight of the wrong shape in a plain safetensors"] = t => Summary(WrongDenseShape(t.File("plain.safetensors")), "plain.safetensors", "dense.weight", "(100, 3000)", "(100, 3136)"),
        ["an output folder that is a file"] = t => new Crafted(["evaluate", "--model", BookModel, "--out", RegularFile(t.File("a-file"))], "--out", "is a file, not a folder"),

        // Class 8: the safetensors format forbids both.
        ["tensors that overlap"] = t => Summary(SafeTensorsFile(t.File("overlap.safetensors"),
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12), "overlap.safetensors", "overlaps"),
        ["tensors with a hole between them"] = t => Summary(SafeTensorsFile(t.File("hole.safetensors"),
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12), "hole.safetensors", "a gap of 4 bytes"),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Is_one_line_naming_the_file_with_exit_2_within_a_memory_bound(string name)
    {
        using var temp = new TempFolder();
        var crafted = Cases[name](temp);

        var result = CliRunner.Run(TestPaths.RepositoryRoot, new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = HeapLimit }, Bound, crafted.Args);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        string line = Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        output.WriteLine(line);
        Assert.StartsWith("fashioncnn: ", line);
        foreach (string expected in crafted.Expected) Assert.Contains(expected, line);
    }

    private static Crafted Summary(string file, params string[] expected) => new(["summary", "--model", file], expected);

    private static string SafeTensorsFile(string path, string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(new byte[dataBytes]);
        return path;
    }

    private static string RegularFile(string path)
    {
        File.WriteAllText(path, "not a folder");
        return path;
    }

    private static JsonArray Layers(JsonNode config) => config["config"]!["layers"]!.AsArray();

    private static JsonObject Layer(JsonNode config, string name) =>
        Layers(config).Select(l => l!["config"]!.AsObject()).Single(c => c["name"]?.GetValue<string>() == name);

    /// <summary>The test model of every layer kind as Keras 2 saves it, with its config changed by <paramref name="forge"/>.</summary>
    private static string KerasH5(TempFolder temp, string name, Action<JsonNode> forge)
    {
        var model = new KerasTestModel();
        var config = JsonNode.Parse(model.ConfigJson())!;
        forge(config);
        model.WriteH5(temp.File(name), config.ToJsonString());
        return temp.File(name);
    }

    private static string Kernel3D(string path)
    {
        var model = new KerasTestModel();
        model.Reshape("conv2d", 0, [9, 2, 3]);
        model.WriteH5(path);
        return path;
    }

    /// <summary>A .keras whose config.json is 300 MB of spaces (300 kB compressed); optionally its zip headers claim 1 kB.</summary>
    private static string KerasBomb(string path, bool forgeDeclaredSize)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var entry = zip.CreateEntry("config.json", CompressionLevel.Fastest).Open())
            {
                entry.Write("{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["u8);
                var spaces = new byte[1 << 20];
                Array.Fill(spaces, (byte)' ');
                for (int i = 0; i < 300; i++) entry.Write(spaces);
                entry.Write("]}}"u8);
            }
            using (var entry = zip.CreateEntry("model.weights.h5").Open()) entry.Write("x"u8);
        }
        if (forgeDeclaredSize) ForgeUncompressedSize(path, name => name == "config.json", 1000);
        return path;
    }

    /// <summary>
    /// Sets the uncompressed size of the entries <paramref name="named"/> picks in their central directory records
    /// (offset 24) and local headers (offset 22).
    /// </summary>
    private static void ForgeUncompressedSize(string path, Func<string, bool> named, uint size)
    {
        byte[] zip = File.ReadAllBytes(path);
        byte[] signature = [(byte)'P', (byte)'K', 1, 2];
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            if (!zip.AsSpan(i, 4).SequenceEqual(signature)) continue;
            string name = Encoding.UTF8.GetString(zip, i + 46, BitConverter.ToUInt16(zip, i + 28));
            if (!named(name)) continue;
            BitConverter.TryWriteBytes(zip.AsSpan(i + 24), size);
            BitConverter.TryWriteBytes(zip.AsSpan((int)BitConverter.ToUInt32(zip, i + 42) + 22), size);
        }
        File.WriteAllBytes(path, zip);
    }

    /// <summary>The book's CNN as a PyTorch .pt whose first tensor's storage claims 2 GB.</summary>
    private static string PyTorchClaiming2GB(string path)
    {
        using var net = new SequentialNet(ModelSpec.Book);
        var loaded = new LoadedModel(net, FashionCnn.Data.FashionClasses.Names, new Dictionary<string, string>(), "test");
        FashionCnn.Interop.ModelExport.Write(loaded, FashionCnn.Interop.ExportFormat.Pt, path);
        ForgeUncompressedSize(path, name => name.EndsWith("/data/0", StringComparison.Ordinal), int.MaxValue);
        return path;
    }

    /// <summary>Conv2D(4096, same) on 28×28: 3.2 million values per image, allowed alone, impossible by the tens of thousands.</summary>
    private static string HugeActivations(TempFolder temp)
    {
        var spec = new ModelSpec(new TensorShape(28, 28, 1),
            [new Conv2D("conv2d", 4096, 3, Activation.Relu), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);
        File.WriteAllText(temp.File("huge.json"), KerasModelConfig.ToJson(spec));
        return temp.File("huge.json");
    }

    /// <summary>A fashioncnn checkpoint whose metadata names 9 classes for the model's 10 outputs.</summary>
    private static string Checkpoint9Classes(string path)
    {
        using var net = new SequentialNet(ModelSpec.Book);
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.FormatKey] = Checkpoint.FormatValue,
            [Checkpoint.ModelConfigKey] = KerasModelConfig.ToJson(ModelSpec.Book),
            [Checkpoint.ClassNamesKey] = "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]",
        };
        File.WriteAllBytes(path, SafeTensors.Serialize(Checkpoint.Weights(net), metadata));
        return path;
    }

    /// <summary>The book's CNN as a plain PyTorch-style safetensors, with dense.weight 3,000 columns wide instead of 3,136.</summary>
    private static string WrongDenseShape(string path)
    {
        using var net = new SequentialNet(ModelSpec.Book);
        var weights = Checkpoint.Weights(net).Select(w => w.Name == "dense.weight" ? new NamedTensor(w.Name, [100, 3000], new float[300_000]) : w);
        File.WriteAllBytes(path, SafeTensors.Serialize(weights, new Dictionary<string, string>()));
        return path;
    }

    /// <summary>train --resume in a folder whose last-epoch.safetensors holds <paramref name="state"/>.</summary>
    private static Crafted Resume(TempFolder temp, string state, string expected)
    {
        var metadata = new Dictionary<string, string>
        {
            [Checkpoint.FormatKey] = Checkpoint.ResumeFormatValue,
            [Checkpoint.ModelConfigKey] = KerasModelConfig.ToJson(ModelSpec.Book),
            ["optimizer_step"] = "16",
            ["resume_state"] = state,
        };
        File.WriteAllBytes(temp.File(FashionCnn.Training.ResumeFile.FileName), SafeTensors.Serialize([new NamedTensor("x", [1], [0f])], metadata));
        return new Crafted(["train", "--resume", "--model-dir", temp.Path, "--limit", "64", "--device", "cpu"], FashionCnn.Training.ResumeFile.FileName, expected);
    }
}
