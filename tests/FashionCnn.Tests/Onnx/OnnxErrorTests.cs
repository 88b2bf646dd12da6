using FashionCnn.Checkpoints;
using FashionCnn.Inference;
using FashionCnn.Interop;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Onnx;
using FashionCnn.Onnx.Protobuf;

namespace FashionCnn.Tests.Onnx;

/// <summary>
/// What cannot be exported is refused before anything is written; what is not a usable ONNX file is one sentence
/// naming it, from this tool's checks or from ONNX Runtime's exception, never a crash in native code.
/// </summary>
public class OnnxErrorTests
{
    /// <summary>A layer kind that runs (as the identity) but refuses an ONNX translation, as a kind without one must.</summary>
    private sealed record GaussianNoise(string Name) : Layer(Name)
    {
        public override string KerasClass => "GaussianNoise";

        public override WeightPicture WeightPicture => WeightPicture.None;

        public override TensorShape OutputShape(TensorShape input) => input;

        public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

        public override long Flops(TensorShape input, TensorShape output) => 0;
        public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

        public override System.Text.Json.Nodes.JsonObject KerasConfig() => new() { ["name"] = Name };

        public override TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>? CreateModule(TensorShape input) => null;

        public override TorchSharp.torch.Tensor Forward(LayerRun run, TorchSharp.torch.Tensor x) => x;

        public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput) =>
            throw new FashionCnnException($"layer {Name} ({KerasClass}) has no ONNX translation in fashioncnn; export the model as pt or safetensors instead.");
    }

    private static LoadedModel Build(ModelSpec spec)
    {
        var net = new SequentialNet(spec);
        net.InitializeLikeKeras(1);
        return new LoadedModel(net, FashionCnn.Data.FashionClasses.Names, new Dictionary<string, string>(), "test");
    }

    private static byte[] SmallExport()
    {
        var model = Build(ModelFile.Architecture("7-1-logistic-regression", "--architecture"));
        using (model.Net) return OnnxExport.ToBytes(model, source: null);
    }

    [Fact]
    public void A_layer_without_an_onnx_translation_is_refused_and_the_existing_file_stays()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("model.onnx"), "the previous export");
        var model = Build(new ModelSpec(new TensorShape(784), [new GaussianNoise("gaussian_noise"), new Dense("dense", 10, Activation.Softmax)]));

        using (model.Net)
        {
            var error = Assert.Throws<FashionCnnException>(() => ModelExport.Write(model, ExportFormat.Onnx, temp.File("model.onnx")));
            Assert.Contains("gaussian_noise (GaussianNoise)", error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        Assert.Equal("the previous export", File.ReadAllText(temp.File("model.onnx")));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_model_that_ends_in_a_feature_map_is_refused()
    {
        var model = Build(new ModelSpec(new TensorShape(28, 28, 1), [new Conv2D("conv2d", 4, 3, Activation.Relu), new MaxPooling2D("max_pooling2d")]));

        using (model.Net)
        {
            var error = Assert.Throws<FashionCnnException>(() => OnnxExport.ToBytes(model, source: null));
            Assert.Contains("ends in (None, 14, 14, 4)", error.Message);
        }
    }

    [Theory]
    [InlineData("truncated", "malformed")]
    [InlineData("text", "")]
    [InlineData("empty", "")]
    public void Bytes_that_are_not_an_onnx_model_are_one_sentence(string kind, string expected)
    {
        byte[] valid = SmallExport();
        byte[] bytes = kind switch
        {
            "truncated" => valid[..(valid.Length / 2)],
            "text" => "ir_version: 7\nproducer_name: \"a text dump, not the binary format\"\n"u8.ToArray(),
            _ => [],
        };

        var error = Assert.Throws<FashionCnnException>(() => OnnxRuntimeClassifier.FromBytes(bytes, "bad.onnx", 1).Dispose());

        Assert.StartsWith("bad.onnx: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_operator_onnx_runtime_does_not_know_is_its_exception_as_one_sentence()
    {
        // An operator the graph walk accepts, with inputs ONNX Runtime cannot type: its own error, as one sentence.
        var model = OnnxTestModels.Parse(SmallExport());
        model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "no_such_attribute", Type = AttributeProto.Types.AttributeType.Int, I = 1 });

        var error = Assert.Throws<FashionCnnException>(() => OnnxRuntimeClassifier.FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(model), "odd.onnx", 1));

        Assert.StartsWith("odd.onnx: ONNX Runtime cannot load this model (", error.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    /// <summary>
    /// Each construct that once hung a session or took gigabytes (a Loop of 2^62 iterations, nested If subgraphs, a small
    /// ConstantOfShape that allocates 4 GB, a 200,000-node chain) and each way out of the model's own data (external
    /// data, a custom domain): refused by the graph walk before a session is created, one sentence naming the file.
    /// </summary>
    [Theory]
    [InlineData("loop", "control flow (Loop)")]
    [InlineData("if", "control flow (If)")]
    [InlineData("subgraph", "subgraph")]
    [InlineData("constant of shape", "operator ConstantOfShape")]
    [InlineData("expand", "operator Expand")]
    [InlineData("custom domain", "outside the ONNX domain")]
    [InlineData("many nodes", "nodes, more than")]
    [InlineData("external constant", "external file")]
    [InlineData("external initializer", "external file")]
    [InlineData("huge declared shape", "more than 268,435,456 elements")]
    [InlineData("huge constant", "more than 268,435,456 elements")]
    [InlineData("huge padding", "pads")]
    public void A_graph_with_a_forbidden_construct_is_refused_before_a_session_is_created(string construct, string expected)
    {
        var model = OnnxTestModels.Parse(SmallExport());
        var graph = model.Graph;
        string input = graph.Node[0].Input[0], output = graph.Node[0].Output[0];
        NodeProto Node(string op) => new() { OpType = op, Name = $"{construct} node", Input = { input }, Output = { output } };
        TensorProto External(string name) => new()
        {
            Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { 2 }, DataLocation = TensorProto.Types.DataLocation.External,
            ExternalData = { new StringStringEntryProto { Key = "location", Value = "../../.ssh/id_rsa" } },
        };
        switch (construct)
        {
            case "loop": graph.Node[0] = Node("Loop"); break;
            case "if": graph.Node[0] = Node("If"); break;
            case "subgraph": graph.Node[0].Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() }); break;
            case "constant of shape": graph.Node[0] = Node("ConstantOfShape"); break;
            case "expand": graph.Node[0] = Node("Expand"); break;
            case "custom domain": graph.Node[0].Domain = "com.example"; break;
            case "many nodes":
                for (int i = 0; i < OnnxGraphBounds.MaxNodes; i++) graph.Node.Add(new NodeProto { OpType = "Identity", Input = { output }, Output = { $"copy{i}" } });
                break;
            case "external constant":
                graph.Node.Insert(0, new NodeProto { OpType = "Constant", Output = { "secret" }, Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = External("secret") } } });
                break;
            case "external initializer": graph.Initializer.Add(External("weights")); break;
            case "huge declared shape":
                graph.ValueInfo.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 1L << 20 }, new TensorShapeProto.Types.Dimension { DimValue = 1L << 20 } } } } } });
                break;
            case "huge constant":
                graph.Node.Insert(0, new NodeProto { OpType = "Constant", Output = { "big" }, Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = new TensorProto { Name = "big", DataType = 1, Dims = { 1L << 40 } } } } });
                break;
            case "huge padding": graph.Node[0].Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 1_000_000_000, 0, 0 } }); break;
        }

        var error = Assert.Throws<FashionCnnException>(() => OnnxRuntimeClassifier.FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(model), "hostile.onnx", 1));

        Assert.StartsWith("hostile.onnx: not a usable ONNX model (", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_onnx_model_of_other_images_is_refused_against_the_data_naming_both_shapes()
    {
        // An ONNX model of any image size opens (own data sets have their own sizes); it is refused when it meets
        // images it does not take, with the model's shape and the data's in one line.
        var model = Build(new ModelSpec(new TensorShape(10, 10, 2), [new Flatten("flatten"), new Dense("dense", 10, Activation.Softmax)]));
        using var temp = new TempFolder();
        using (model.Net) File.WriteAllBytes(temp.File("small.onnx"), OnnxExport.ToBytes(model, source: null));

        var result = FashionCnn.Tests.EndToEnd.CliRunner.Run(TestPaths.RepositoryRoot,
            "evaluate", "--model", temp.File("small.onnx"), "--split", "val", "--out", temp.Path);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("10, 10, 2)", line);
        Assert.Contains("28, 28, 1)", line);
    }

    [Fact]
    public void The_model_loader_recognises_onnx_by_content_or_extension_and_asks_for_the_original_model()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("exported.bin"), SmallExport());
        File.WriteAllText(temp.File("garbage.onnx"), "not a model");
        File.WriteAllText(temp.File("garbage.bin"), "not a model");

        Assert.True(ModelFile.IsOnnx(temp.File("exported.bin"), "--model"));
        Assert.True(ModelFile.IsOnnx(temp.File("garbage.onnx"), "--model"));
        Assert.False(ModelFile.IsOnnx(temp.File("garbage.bin"), "--model"));
        Assert.False(ModelFile.IsOnnx(OnnxTestModels.BookModel, "--model"));
        var error = Assert.Throws<FashionCnnException>(() => ModelFile.LoadClassifier(temp.File("exported.bin")));
        Assert.Contains("exported.bin is an ONNX model", error.Message);
        Assert.Contains("original model", error.Message);
    }

    [Fact]
    public async Task Mutated_onnx_files_end_in_a_result_or_one_sentence_never_a_crash()
    {
        // Bit flips, cuts, forged varints and noise, half of them in the first kilobyte where the graph's nodes and
        // types are (the weights come after); each is opened and run on two images as evaluate would.
        byte[] valid = SmallExport();
        var random = new Random(11);
        var pixels = new byte[2 * 784];
        random.NextBytes(pixels);
        int loaded = 0, refused = 0;
        for (int i = 0; i < 80; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int region = i % 2 == 0 ? 1024 : bytes.Length;
            switch (i % 4)
            {
                case 0:
                    for (int k = 0; k < 1 + random.Next(4); k++) bytes[random.Next(region)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 2:
                    int at = random.Next(region - 5);
                    new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f }.CopyTo(bytes, at);
                    break;
                default:
                    random.NextBytes(bytes.AsSpan(random.Next(region - 16), 1 + random.Next(16)));
                    break;
            }
            var attempt = Task.Run(() =>
            {
                try
                {
                    using var classifier = OnnxRuntimeClassifier.FromBytes(bytes, $"case-{i}.onnx", 1);
                    return classifier.LogProbabilities(pixels, 2).Length == 20;
                }
                catch (FashionCnnException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    return false;
                }
            });
            // A hang would be a bug too: WaitAsync throws a TimeoutException after 20 s.
            if (await attempt.WaitAsync(TimeSpan.FromSeconds(20))) loaded++; else refused++;
        }
        Assert.True(refused > 0 && loaded > 0, $"{loaded} loaded, {refused} refused: the mutations should do both");
    }
}
