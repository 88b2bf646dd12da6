using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Onnx;
using FashionCnn.Tests.Interop;
using FashionCnn.Tests.Onnx;
using FashionCnn.Training;

namespace FashionCnn.Tests.Model;

/// <summary>
/// Every kind of layer the library declares goes through every part of the tool that handles layers: a new
/// <see cref="Layer"/> record that one of them does not know fails here instead of going silently wrong elsewhere.
/// </summary>
public class LayerKindTests
{
    private static readonly Type[] Kinds = typeof(Layer).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();

    private static readonly ModelSpec Every = OnnxTestModels.EveryLayer;

    [Fact]
    public void The_every_layer_model_has_every_kind_of_layer()
    {
        Assert.True(Kinds.Length >= 9, $"found {Kinds.Length} layer kinds");
        Assert.Equal(Kinds.Select(t => t.Name), Every.Layers.Select(l => l.GetType()).Distinct().OrderBy(t => t.Name).Select(t => t.Name));
    }

    [Fact]
    public void Every_kind_is_read_by_its_keras_class_and_answers_for_its_weights_in_one_file()
    {
        var shapes = Every.Shapes();

        Assert.Equal(Kinds.Length, LayerKinds.Classes.Count());
        Assert.All(Every.Layers, layer => Assert.Contains(layer.KerasClass, LayerKinds.Classes));
        Assert.All(Kinds, kind => Assert.True(
            kind.Namespace == typeof(Layer).Namespace && File.Exists(Path.Combine(LayerFolder, kind.Name + ".cs"))
            || kind.BaseType is { IsAbstract: true } parent && parent != typeof(Layer) && File.Exists(Path.Combine(LayerFolder, parent.Name + ".cs")),
            $"{kind.Name} has no file of its own (or of its family's) in {LayerFolder}"));
        Assert.All(shapes, row => Assert.True(
            row.Layer.WeightPicture == WeightPicture.None || row.Layer.HasWeights(row.Input), $"{row.Layer.Name} draws weights it lacks"));
        Assert.All(shapes, row => Assert.Equal(row.Layer.HasWeights(row.Input), row.Layer.CreateModule(row.Input) is { }));
    }

    private static readonly string LayerFolder = Path.Combine(TestPaths.RepositoryRoot, "src", "FashionCnn", "Model", "Layers");

    [Fact]
    public void The_keras_test_files_hold_every_kind_of_layer_with_weights()
    {
        var inKerasFiles = new KerasTestModel().Layers.Select(l => l!["class_name"]!.GetValue<string>()).ToHashSet();

        Assert.All(Every.Shapes().Where(row => row.Layer.HasWeights(row.Input)).Select(row => row.Layer), l => Assert.Contains(l.KerasClass, inKerasFiles));
    }

    [Fact]
    public void Every_kind_has_a_keras_config_read_back_as_the_same_layer()
    {
        var back = KerasModelConfig.Parse(KerasModelConfig.ToJson(Every), "test");

        Assert.Equal(Every.InputShape, back.InputShape);
        Assert.Equal(Every.Layers, back.Layers);
    }

    [Fact]
    public void Every_kind_has_a_summary_row_a_cost_and_a_memory_estimate()
    {
        var summary = ModelSummary.Of(Every);
        var shapes = Every.Shapes();

        Assert.Equal(Every.Layers.Select(l => (l.Name, l.KerasClass)), summary.Layers.Select(r => (r.Name, r.Type)));
        Assert.All(shapes, row => Assert.True(
            row.Layer.Flops(row.Input, row.Output) > 0 == row.Layer is Conv2D or Dense, $"{row.Layer.Name}'s operations"));
        Assert.True(Compute.BatchMemory.TrainingBytes(Every, 2) > Compute.BatchMemory.InferenceBytes(Every, 2));
    }

    [Fact]
    public void Every_kind_builds_trains_and_gives_the_same_answers_from_each_file_format()
    {
        using var temp = new TempFolder();
        var pixels = new byte[3 * LabeledImages.PixelsPerImage];
        new Random(5).NextBytes(pixels);
        OnnxTestModels.WriteCheckpoint(Every, temp.File("every.safetensors"));
        var model = ModelFile.Load(temp.File("every.safetensors"));
        using (var training = new SequentialNet(Every))
        {
            training.InitializeLikeKeras(1);
            training.train();
            using var input = TorchSharp.torch.tensor(pixels, [3, 1, 28, 28], TorchSharp.torch.ScalarType.Byte);
            using var output = training.call(training.InputFromPixels(input));
            output.sum().backward();
            Assert.Equal([3L, 10], output.shape);
        }

        float[] expected = Probabilities(new TorchSharpClassifier(model, TorchSharp.torch.CPU), pixels);
        foreach (var (format, file) in new[] { (ExportFormat.Pt, "every.pt"), (ExportFormat.SafeTensors, "every-export.safetensors"), (ExportFormat.Onnx, "every.onnx") })
        {
            ModelExport.Write(ModelFile.Load(temp.File("every.safetensors")), format, temp.File(file));
            using var classifier = format == ExportFormat.Onnx
                ? (IClassifier)OnnxRuntimeClassifier.FromBytes(File.ReadAllBytes(temp.File(file)), file, threads: 1)
                : new TorchSharpClassifier(ModelFile.Load(temp.File(file), architecture: WriteArchitecture(temp)), TorchSharp.torch.CPU);
            float[] actual = Probabilities(classifier, pixels);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{file}, value {i}: {expected[i]} against {actual[i]}");
        }
    }

    private static string WriteArchitecture(TempFolder temp)
    {
        File.WriteAllText(temp.File("every.json"), KerasModelConfig.ToJson(Every));
        return temp.File("every.json");
    }

    private static float[] Probabilities(IClassifier classifier, byte[] pixels)
    {
        using (classifier) return Evaluation.Probabilities(classifier, pixels, 3);
    }
}
