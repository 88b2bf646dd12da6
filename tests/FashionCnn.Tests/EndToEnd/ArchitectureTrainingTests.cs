using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Tests.Reliability;
using FashionCnn.Training;

namespace FashionCnn.Tests.EndToEnd;

/// <summary>train with every architecture source and optimizer, through the real executable, kept short with --limit.</summary>
public class ArchitectureTrainingTests
{
    [Theory]
    [InlineData("7-1-logistic-regression", "rmsprop", Checkpoint.DenseFileName)]
    [InlineData("7-2-dense-sigmoid", "rmsprop", Checkpoint.DenseFileName)]
    [InlineData("7-2-dense-relu", "adam", Checkpoint.DenseFileName)]
    [InlineData("7-3-dropout", "adagrad", Checkpoint.DenseFileName)]
    [InlineData("8-2-cnn", "sgd", Checkpoint.FileName)]
    public void Every_bundled_architecture_trains_an_epoch_and_its_checkpoint_holds_that_architecture(string architecture, string optimizer, string checkpoint)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--architecture", architecture, "--optimizer", optimizer,
            "--epochs", "1", "--limit", "512", "--device", "cpu", "--model-dir", temp.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var expected = KerasModelConfig.Parse(ArchitectureSource.BundledJson(architecture)!, architecture);
        Assert.Contains($"Model:   {architecture}, {expected.ParameterCount:N0} parameters, optimizer {optimizer}", result.Stdout);
        var saved = Checkpoint.Load(Path.Combine(temp.Path, checkpoint));
        using (saved.Net)
        {
            Assert.Equal(KerasModelConfig.ToJson(expected), KerasModelConfig.ToJson(saved.Net.Spec));
            Assert.Equal(optimizer, System.Text.Json.JsonDocument.Parse(saved.Metadata["optimizer"]).RootElement.GetProperty("name").GetString());
        }
        Assert.Empty(Directory.GetFiles(temp.Path, ".train.lock*"));
    }

    [Fact]
    public void A_keras_json_file_with_every_trainable_layer_kind_trains()
    {
        // Rescaling, BatchNormalization (trained with Keras' moving averages), strided valid and same-padded
        // convolutions, average pooling with same padding, Reshape and a hidden tanh: a user's own variation.
        using var temp = new TempFolder();
        string json = temp.File("mine.json");
        File.WriteAllText(json, """
            {"class_name": "Sequential", "config": {"name": "mine", "layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 784], "name": "in"}},
              {"class_name": "Rescaling", "config": {"name": "rescaling", "scale": 0.00392156862745098}},
              {"class_name": "Reshape", "config": {"name": "reshape", "target_shape": [28, 28, 1]}},
              {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 8, "kernel_size": [3, 3], "strides": [2, 2], "padding": "valid", "activation": "relu"}},
              {"class_name": "BatchNormalization", "config": {"name": "batch_normalization", "axis": -1, "momentum": 0.99, "epsilon": 0.001}},
              {"class_name": "AveragePooling2D", "config": {"name": "average_pooling2d", "pool_size": [2, 2], "padding": "same"}},
              {"class_name": "Flatten", "config": {"name": "flatten"}},
              {"class_name": "Dense", "config": {"name": "dense", "units": 32, "activation": "tanh"}},
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 10, "activation": "softmax"}}]}}
            """);

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--architecture", json, "--epochs", "2", "--limit", "1024",
            "--device", "cpu", "--model-dir", temp.File("run"), "--patience", "0");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var history = History.FromJson(File.ReadAllText(temp.File("run/history.json")));
        Assert.True(history.Epochs[^1].ValAccuracy > 0.5, $"val_accuracy {history.Epochs[^1].ValAccuracy}");
        var saved = Checkpoint.Load(temp.File("run/" + Checkpoint.FileName));
        using (saved.Net)
        {
            // The moving variance moved away from its initial ones during training, so it was trained, not left at 1.
            var variance = saved.Net.NamedWeights().Single(w => w.Name == "batch_normalization.running_var").Tensor;
            Assert.True(variance.sub(1).abs().max().item<float>() > 1e-3);
        }
    }

    [Fact]
    public void Init_from_starts_at_the_trained_weights_with_a_fresh_optimizer()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(TestPaths.RepositoryRoot, "train", "--no-report", "--init-from", Path.Combine("models", "book", "best-cnn-model.h5"),
            "--epochs", "1", "--limit", "256", "--device", "cpu", "--model-dir", temp.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Weights: from best-cnn-model.h5; the optimizer starts fresh.", result.Stdout);
        // The book's weights score 0.922 on val; one short epoch from there stays far above what 256 images teach a fresh model.
        var history = History.FromJson(File.ReadAllText(Path.Combine(temp.Path, "history.json")));
        Assert.True(history.Epochs[0].ValAccuracy > 0.88, $"val_accuracy {history.Epochs[0].ValAccuracy}");
    }

    [Fact]
    public void A_run_with_rmsprop_resumes_exactly_and_refuses_another_optimizer()
    {
        using var temp = new TempFolder();
        string[] run = ["--architecture", "7-2-dense-relu", "--optimizer", "rmsprop", "--limit", "2048", "--patience", "0"];
        using (var whole = new TrainingProcess([.. run, "--epochs", "3", "--model-dir", temp.File("whole")]))
            Assert.Equal(0, whole.WaitForExit());
        using (var first = new TrainingProcess([.. run, "--epochs", "2", "--model-dir", temp.File("parts")]))
            Assert.Equal(0, first.WaitForExit());

        using (var other = new TrainingProcess(["--architecture", "7-2-dense-relu", "--optimizer", "adam", "--limit", "2048", "--patience", "0",
                   "--epochs", "3", "--model-dir", temp.File("parts"), "--resume"]))
        {
            Assert.Equal(2, other.WaitForExit());
            Assert.Contains("--resume: the run used rmsprop (learning rate 0.001, rho 0.9), not adam (learning rate 0.001); give the same --optimizer and its options as before.", other.Stderr);
        }
        // The same files with the labels named otherwise: the checkpoint would call its outputs by other names.
        using (var renamed = new TrainingProcess([.. run, "--epochs", "3", "--model-dir", temp.File("parts"), "--resume", "--class-names", "a,b,c,d,e,f,g,h,i,j"]))
        {
            Assert.Equal(2, renamed.WaitForExit());
            Assert.Contains($"--resume: the run used the classes {string.Join(", ", FashionCnn.Data.FashionClasses.Names)}, not a, b, c, d, e, f, g, h, i, j; "
                            + "give the same --class-names (or the data's class folders) as before.", renamed.Stderr);
        }
        using (var resumed = new TrainingProcess([.. run, "--epochs", "3", "--model-dir", temp.File("parts"), "--resume"]))
            Assert.Equal(0, resumed.WaitForExit());

        History Read(string dir) => History.FromJson(File.ReadAllText(Path.Combine(temp.File(dir), "history.json")));
        Assert.Equal(Read("whole").Epochs.Select(e => e with { Seconds = 0 }), Read("parts").Epochs.Select(e => e with { Seconds = 0 }));
    }
}
