using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Tests.EndToEnd;

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
}
