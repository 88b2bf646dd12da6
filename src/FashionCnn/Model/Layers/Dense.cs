using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>Keras <c>Dense(units, activation)</c>, applied to the last axis.</summary>
public sealed record Dense(string Name, int Units, Activation Activation) : Layer(Name)
{
    // A sanity bound far above any model for 28×28 images; the model as a whole is bounded by ModelSpec.Checked.
    private const int MaxUnits = 1 << 26;

    public override string KerasClass => "Dense";

    public override WeightPicture WeightPicture => WeightPicture.Matrix;

    public override TensorShape OutputShape(TensorShape input) =>
        input.Rank == 1
            ? new TensorShape(Units)
            : throw new FashionCnnException($"layer {Name} (Dense) needs a flat input, got {input}; put a Flatten before it.");

    /// <summary>Keras' kernel (in, out), PyTorch's (out, in).</summary>
    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => KernelAndBias([input[0], Units], [1, 0], input[0], Units, Units);

    public override long Flops(TensorShape input, TensorShape output) => 2L * input[0] * Units;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config(("units", Units), ("activation", Activations.KerasName(Activation)));

    internal static Dense FromKeras(KerasConfigValues c)
    {
        if (!c.Bool("use_bias", true)) throw c.Error("has no bias, which this tool cannot run");
        return new Dense(c.Layer, c.PositiveInt("units", MaxUnits), c.Activation());
    }

    public override nn.Module<Tensor, Tensor> CreateModule(TensorShape input) => nn.Linear(input[0], Units);

    public override Tensor Forward(LayerRun run, Tensor x)
    {
        var module = run.ModuleAs<Linear>();
        var y = run.Mixed
            ? nn.functional.linear(x.to_type(ScalarType.BFloat16), run.Compute(module.weight!), run.Compute(module.bias!))
            : module.call(x);
        return Activations.Apply(y, Activation, run.IsOutput);
    }

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        graph.Apply(Name, "Gemm", Variables(input).Select(v => graph.Weight(this, v)).ToArray(), [LayerGraph.Batch, Units], GraphAttribute.Int("transB", 1));
        graph.Activate(Name, Activation, isOutput);
    }
}
