using System.Security.Cryptography;
using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Onnx;
using FashionCnn.Onnx.Protobuf;
using FashionCnn.Tests.Interop;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace FashionCnn.Tests.Onnx;

/// <summary>
/// Exported files follow ONNX's own checker rules (version and opset, topological order, every value typed with its
/// full shape, no unused initializer, shapes that ONNX's operator rules infer), load and run in ONNX Runtime, and say in
/// their metadata what a user of the file needs. Every model the tool can open or train is exported.
/// </summary>
public class OnnxStructureTests
{
    public static TheoryData<string> Models =>
    [
        "book-h5", "book-keras", "chapter7-784", "chapter7-28x28", "every-layer", "keras-every-kind",
        .. ArchitectureSource.Bundled.Select(b => "bundled:" + b.Name),
    ];

    private static string Write(string model, TempFolder temp)
    {
        switch (model)
        {
            case "book-h5": return OnnxTestModels.BookModel;
            case "book-keras": return Path.Combine(TestPaths.RepositoryRoot, "models", "book", "best-cnn-model.keras");
            case "chapter7-784": return OnnxTestModels.WriteChapter7(temp.File("m.h5"), flatInput: true);
            case "chapter7-28x28": return OnnxTestModels.WriteChapter7(temp.File("m.h5"), flatInput: false);
            case "every-layer": return OnnxTestModels.WriteCheckpoint(OnnxTestModels.EveryLayer, temp.File("m.safetensors"));
            case "keras-every-kind":
                new KerasTestModel().WriteKeras(temp.File("m.keras"));
                return temp.File("m.keras");
            default:
                return OnnxTestModels.WriteCheckpoint(ModelFile.Architecture(model["bundled:".Length..], "--architecture"), temp.File("m.safetensors"));
        }
    }

    private static (ModelSpec Spec, byte[] Onnx) Export(string model, TempFolder temp)
    {
        string path = Write(model, temp);
        var loaded = ModelFile.Load(path);
        using (loaded.Net) ModelExport.Write(loaded, ExportFormat.Onnx, temp.File("m.onnx"), path);
        return (loaded.Net.Spec, File.ReadAllBytes(temp.File("m.onnx")));
    }

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()).ToArray();

    [Theory]
    [MemberData(nameof(Models))]
    public void The_export_passes_onnxs_checker_rules_and_runs_in_onnx_runtime(string name)
    {
        using var temp = new TempFolder();
        var (spec, bytes) = Export(name, temp);
        var model = OnnxTestModels.Parse(bytes);

        Assert.Empty(OnnxModelCheck.Strict(model));
        Assert.Empty(OnnxShapeInference.Mismatches(model));
        Assert.Equal(7, model.IrVersion);
        Assert.Equal(("", 13L), model.OpsetImport.Select(o => (o.Domain, o.Version)).Single());
        Assert.Equal("fashioncnn", model.ProducerName);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal(["N", .. spec.InputShape.Dimensions.Select(d => d.ToString())], Dims(input));
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("probabilities", output.Name);
        Assert.Equal(["N", spec.OutputUnits.ToString()], Dims(output));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Dropout");

        // ONNX Runtime loads it and gives a probability distribution per image.
        using var session = new InferenceSession(bytes);
        int perImage = (int)spec.InputShape.ElementCount;
        var random = new Random(3);
        float[] images = Enumerable.Range(0, 3 * perImage).Select(_ => (float)random.NextDouble()).ToArray();
        float[] probabilities = OnnxTestModels.OnnxRuntimeProbabilities(session, images, spec.InputShape.Dimensions, 3, batchSize: 3);
        for (int n = 0; n < 3; n++)
            Assert.Equal(1.0, probabilities.Skip(n * spec.OutputUnits).Take(spec.OutputUnits).Sum(p => (double)p), 5);
    }

    [Fact]
    public void The_metadata_names_the_classes_the_scaling_the_source_and_the_version()
    {
        using var temp = new TempFolder();
        var (_, bytes) = Export("book-h5", temp);
        var model = OnnxTestModels.Parse(bytes);
        var (_, raw) = Export("every-layer", temp);

        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            JsonSerializer.Deserialize<string[]>(OnnxTestModels.Metadata(model, "class_names")!)!);
        Assert.Equal("0-1", OnnxTestModels.Metadata(model, "input_scaling"));
        Assert.Equal("0-255", OnnxTestModels.Metadata(OnnxTestModels.Parse(raw), "input_scaling"));
        Assert.Equal("best-cnn-model.h5", OnnxTestModels.Metadata(model, "source_file"));
        // sha256sum models/book/best-cnn-model.h5
        Assert.Equal("8c53128e0962119ba100a802b09f8fbc54f4ceaedc7168618773f4419e07a106", OnnxTestModels.Metadata(model, "source_sha256"));
        Assert.Equal(Checkpoint.ToolVersion, OnnxTestModels.Metadata(model, "fashioncnn_version"));
        Assert.Equal(Checkpoint.ToolVersion, model.ProducerVersion);
        // ONNX Runtime reads the same metadata.
        using var session = new InferenceSession(bytes);
        Assert.Equal("0-1", session.ModelMetadata.CustomMetadataMap["input_scaling"]);
        Assert.Equal("fashioncnn", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void The_weights_are_initializers_with_the_models_values()
    {
        using var temp = new TempFolder();
        var loaded = ModelFile.Load(OnnxTestModels.BookModel);
        NamedTensor[] weights;
        using (loaded.Net)
        {
            weights = Checkpoint.Weights(loaded.Net);
            ModelExport.Write(loaded, ExportFormat.Onnx, temp.File("m.onnx"));
        }
        var model = OnnxTestModels.Parse(File.ReadAllBytes(temp.File("m.onnx")));

        Assert.Equal(weights.Select(w => w.Name).Order(), model.Graph.Initializer.Select(t => t.Name).Order());
        foreach (var tensor in model.Graph.Initializer)
        {
            var weight = weights.Single(w => w.Name == tensor.Name);
            Assert.Equal(weight.Shape, tensor.Dims);
            Assert.Equal(weight.Values, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray());
        }
        Assert.Equal(333_526, model.Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (p, d) => p * d)));
    }

    /// <summary>A valid export of the chapter 7-1 logistic regression, to break one rule at a time.</summary>
    private static ModelProto SmallModel()
    {
        using var temp = new TempFolder();
        return OnnxTestModels.Parse(Export("bundled:7-1-logistic-regression", temp).Onnx);
    }

    public static TheoryData<string, string, bool> BrokenRules => new()
    {
        { "unused-initializer", "is not used", true },
        { "undefined-input", "before it is defined", false },
        { "reversed-nodes", "before it is defined", false },
        { "untyped-value", "has no type", true },
        { "no-opset", "no opset", false },
        { "short-initializer", "different number of values", false },
        { "external-data", "external file", false },
        { "missing-output", "never computed", false },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void The_structural_check_finds_each_broken_rule(string rule, string expected, bool strictOnly)
    {
        var model = SmallModel();
        var graph = model.Graph;
        switch (rule)
        {
            case "unused-initializer":
                graph.Initializer.Add(new TensorProto { Name = "spare", DataType = 1, RawData = ByteString.CopyFrom(new byte[4]) });
                break;
            case "undefined-input": graph.Node[0].Input[0] = "nowhere"; break;
            case "reversed-nodes":
                var nodes = graph.Node.Reverse().ToList();
                graph.Node.Clear();
                graph.Node.AddRange(nodes);
                break;
            case "untyped-value": graph.ValueInfo.RemoveAt(0); break;
            case "no-opset": model.OpsetImport.Clear(); break;
            case "short-initializer": graph.Initializer[0].RawData = ByteString.CopyFrom(graph.Initializer[0].RawData.Span[4..]); break;
            case "external-data": graph.Initializer[0].DataLocation = TensorProto.Types.DataLocation.External; break;
            case "missing-output": graph.Output[0].Name = "elsewhere"; break;
        }

        Assert.Contains(OnnxModelCheck.Strict(model), p => p.Contains(expected));
        Assert.Equal(strictOnly, !OnnxModelCheck.Problems(model).Any(p => p.Contains(expected)));
        Assert.Empty(OnnxModelCheck.Strict(SmallModel()));
    }

    [Fact]
    public void The_shape_reference_finds_a_declared_shape_that_the_operators_do_not_give()
    {
        var model = SmallModel();
        model.Graph.ValueInfo[0].Type.TensorType.Shape.Dim[1].DimValue += 1;

        Assert.NotEmpty(OnnxShapeInference.Mismatches(model));
        Assert.Empty(OnnxShapeInference.Mismatches(SmallModel()));
    }
}
