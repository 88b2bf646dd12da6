using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.EndToEnd;
using FashionCnn.Tests.Onnx;
using Google.Protobuf;

namespace FashionCnn.Tests.Reliability;

/// <summary>What a model needs is counted before it is built, and a batch it cannot hold is one line, not an allocation.</summary>
public class MemoryBoundTests
{
    /// <summary>
    /// Conv2D(32, 1024, same) on 28×28: its weights are 128 MB, but each image's patch matrix is 1,024² × 28² floats,
    /// 3.3 GB, and a batch of 32 is 105 GB, which libtorch once tried to allocate ("can't allocate", exit 1).
    /// </summary>
    [Fact]
    public void A_kernel_whose_patch_matrix_cannot_fit_is_refused_before_the_network_is_built()
    {
        using var temp = new TempFolder();
        var spec = new ModelSpec(new TensorShape(28, 28, 1),
            [new Conv2D("conv2d", 32, 1024, Activation.Relu), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);
        File.WriteAllText(temp.File("huge-kernel.json"), KerasModelConfig.ToJson(spec));

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--architecture", temp.File("huge-kernel.json"),
            "--epochs", "1", "--limit", "64", "--device", "cpu", "--model-dir", temp.File("models"));

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("fashioncnn: --batch-size 32: a batch of this model needs about", line);
        Assert.True(result.PeakResidentBytes < 1L << 30, $"peak resident memory {result.PeakResidentBytes >> 20} MB");
        string models = temp.File("models");
        Assert.False(Directory.Exists(models) && Directory.EnumerateFileSystemEntries(models).Any(), "the refused run left files in --model-dir");
    }

    /// <summary>
    /// A convolution of 4,096 1×1 kernels: 4,096 × 28 × 28 floats, 12.8 MB, an image. At a batch just over what ONNX Runtime
    /// may use, this tool's export (which records its Keras model) is refused by the same estimate as the checkpoint, and
    /// the same graph without that record, as another tool would write it, by ONNX Runtime's capped arena when the
    /// convolution asks for its output; a batch of 30,000 of the book's CNN once took 4.3 GB where the .h5 was refused.
    /// </summary>
    [Fact]
    public void An_onnx_batch_over_the_budget_is_refused_by_the_estimate_or_by_onnx_runtimes_capped_arena()
    {
        using var temp = new TempFolder();
        var spec = new ModelSpec(new TensorShape(28, 28, 1),
            [new Conv2D("conv2d", 4096, 1, Activation.Relu), new MaxPooling2D("pool", 28), new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]);
        string checkpoint = OnnxTestModels.WriteCheckpoint(spec, temp.File("wide.safetensors"));
        var export = CliRunner.Run(TestPaths.RepositoryRoot, "export", "--model", checkpoint, "--format", "onnx", "--output", temp.File("ours.onnx"));
        Assert.True(export.ExitCode == 0, export.Stderr);
        var foreign = OnnxTestModels.Parse(File.ReadAllBytes(temp.File("ours.onnx")));
        Assert.Equal(1, foreign.MetadataProps.Count(p => p.Key == "model_config"));
        foreign.MetadataProps.Remove(foreign.MetadataProps.Single(p => p.Key == "model_config"));
        File.WriteAllBytes(temp.File("foreign.onnx"), foreign.ToByteArray());
        long perImage = 4096L * 28 * 28 * 4;
        int batch = (int)(FashionCnn.Inference.OnnxRuntimeClassifier.ArenaBytes / perImage + 1);

        foreach (var (file, words) in new[] { ("ours.onnx", "a batch of this model needs about"), ("foreign.onnx", "MB ONNX Runtime may use") })
        {
            var result = CliRunner.Run(TestPaths.RepositoryRoot, "evaluate", "--model", temp.File(file), "--split", "test", "--batch-size", $"{batch}", "--out", temp.Path);

            Assert.True(result.ExitCode == 2, $"{file}: exit {result.ExitCode}: {result.Stderr}");
            string line = Assert.Single(result.Stderr.TrimEnd().Split('\n'));
            Assert.Contains($"--batch-size {batch:N0}: ", line);
            Assert.Contains(words, line);
            Assert.True(result.PeakResidentBytes < 2L << 30, $"{file}: peak resident memory {result.PeakResidentBytes >> 20} MB");
        }
    }
}
