using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>Keras <c>Rescaling(scale, offset)</c>: output = input × scale + offset. A model that starts with it takes raw 0–255 pixels.</summary>
public sealed record Rescaling(string Name, double Scale, double Offset = 0) : Layer(Name)
{
    public override string KerasClass => "Rescaling";

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input) => input;

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config(("scale", Scale), ("offset", Offset));

    internal static Rescaling FromKeras(KerasConfigValues c) => new(c.Layer, c.Number("scale", 1), c.Number("offset", 0));

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    public override Tensor Forward(LayerRun run, Tensor x) => Offset == 0 ? x.mul(Scale) : x.mul(Scale).add(Offset);

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        long[] shape = graph.Shape;
        graph.Apply(Name, "Mul", [graph.Constant($"{Name}.scale", [], [(float)Scale])], shape);
        if (Offset != 0) graph.Apply(Name, "Add", [graph.Constant($"{Name}.offset", [], [(float)Offset])], shape);
    }
}
