using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.EndToEnd;
using FashionCnn.Tests.Onnx;

namespace FashionCnn.Tests.Reliability;

/// <summary>Where a hostile name reaches the tool: the model config inside a checkpoint, or a Keras JSON config beside a PyTorch state_dict.</summary>
public enum NameSource { SafeTensorsCheckpoint, JsonConfigWithStateDict }

/// <summary>
/// Layer and class names read from a model file become parts of the names of the pictures visualize and explain
/// write. Whatever they hold (an absolute path, <c>../</c>, a '.', control characters), every picture lands directly
/// in --out, nothing is created anywhere else, and the Keras name is the one the user is shown.
/// </summary>
public class HostileNameTests
{
    public static TheoryData<string, NameSource> Names()
    {
        string[] names = ["ABSOLUTE/escaped", "../../up", "sub/dir/conv", "conv2d.v2", "\u001b[2Jclear", ".."];
        var data = new TheoryData<string, NameSource>();
        foreach (string name in names)
            foreach (var source in Enum.GetValues<NameSource>())
                data.Add(name, source);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Visualize_and_explain_write_only_inside_out_whatever_a_layer_is_named(string hostile, NameSource source)
    {
        using var temp = new TempFolder();
        string name = hostile.Replace("ABSOLUTE", temp.File("abs"));
        var model = Model(temp, name, source);
        string outDir = temp.File("deep/er/out");
        Directory.CreateDirectory(outDir);

        var visualize = CliRunner.Run(TestPaths.RepositoryRoot, [.. model, "--layer", "0", "--out", outDir]);
        var explain = CliRunner.Run(TestPaths.RepositoryRoot, ["explain", "--index", "0", "--method", "gradcam", .. model[1..], "--out", outDir]);

        Assert.True(visualize.ExitCode == 0, visualize.Stderr);
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        if (!name.Any(char.IsControl)) Assert.Contains($"Layer 0: {name} (Conv2D)", visualize.Stdout);
        // Four pictures of the kernel, the sample and its feature maps, and explain's one: all directly in --out.
        Assert.Equal(7, Directory.GetFiles(outDir).Length);
        Assert.Empty(Directory.GetDirectories(outDir));
        Assert.Equal([temp.File("deep/er/out")], Directory.GetDirectories(temp.File("deep/er")));
        Assert.False(Directory.Exists(temp.File("abs")), "a picture was written at the absolute path of a layer name");
        Assert.Equal(Expected(source).Order(), Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("../../up")]
    [InlineData("ABSOLUTE/class")]
    [InlineData("..")]
    public void A_class_name_in_an_explanation_file_name_stays_inside_out(string hostile)
    {
        using var temp = new TempFolder();
        string className = hostile.Replace("ABSOLUTE", temp.File("abs"));
        string checkpoint = Checkpoint(temp, "conv2d");
        var file = SafeTensors.Read(checkpoint);
        var names = FashionCnn.Data.FashionClasses.Names.ToArray();
        names[9] = className;
        var metadata = new Dictionary<string, string>(file.Metadata) { [FashionCnn.Checkpoints.Checkpoint.ClassNamesKey] = JsonSerializer.Serialize(names) };
        using (var stream = File.Create(checkpoint)) SafeTensors.Write(stream, file.Tensors, metadata);
        string outDir = temp.File("out");

        var explain = CliRunner.Run(TestPaths.RepositoryRoot,
            ["explain", "--index", "0", "--model", checkpoint, "--class", className, "--method", "saliency", "--out", outDir]);

        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Assert.Single(Directory.GetFiles(outDir));
        Assert.Empty(Directory.GetDirectories(outDir));
        Assert.False(Directory.Exists(temp.File("abs")));
        Assert.Equal(["model.safetensors", "out"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    private static string[] Expected(NameSource source) => source == NameSource.SafeTensorsCheckpoint
        ? ["model.safetensors", "deep"]
        : ["model.safetensors", "model.pt", "config.json", "deep"];

    /// <summary>The visualize arguments that open a model whose first convolution is named <paramref name="name"/>.</summary>
    private static string[] Model(TempFolder temp, string name, NameSource source)
    {
        string checkpoint = Checkpoint(temp, name);
        if (source == NameSource.SafeTensorsCheckpoint) return ["visualize", "--model", checkpoint];
        var export = CliRunner.Run(TestPaths.RepositoryRoot, ["export", "--model", checkpoint, "--format", "pt", "--output", temp.File("model.pt")]);
        Assert.True(export.ExitCode == 0, export.Stderr);
        File.WriteAllText(temp.File("config.json"), SafeTensors.Read(checkpoint).Metadata[FashionCnn.Checkpoints.Checkpoint.ModelConfigKey]);
        return ["visualize", "--model", temp.File("model.pt"), "--architecture", temp.File("config.json")];
    }

    private static string Checkpoint(TempFolder temp, string convName) => OnnxTestModels.WriteCheckpoint(new ModelSpec(new TensorShape(28, 28, 1),
    [
        new Conv2D(convName, 4, 3, Activation.Relu),
        new MaxPooling2D("pool", 2),
        new Flatten("flatten"),
        new Dense("dense", 10, Activation.Softmax),
    ]), temp.File("model.safetensors"));
}
