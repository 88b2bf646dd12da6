using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>Flatten()</c>. Keras flattens channels-last tensors in (height, width, channels) order, so
/// the network does the same; a Dense kernel from Keras then maps onto ours without reordering rows.
/// </summary>
public sealed record Flatten(string Name) : Layer(Name)
{
    public override string KerasClass => "Flatten";

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input) => new((int)input.ElementCount);

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config();

    internal static Flatten FromKeras(KerasConfigValues c)
    {
        c.RequireChannelsLast();
        return new Flatten(c.Layer);
    }

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    /// <summary>The network holds an image as (N, C, H, W), so channels move last first.</summary>
    public override Tensor Forward(LayerRun run, Tensor x) => TensorLayout.ToKerasOrder(x).flatten(1);

    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        if (input.Rank == 1) return;
        graph.ToKerasOrder(Name);
        graph.Apply(Name, "Flatten", [], [LayerGraph.Batch, input.ElementCount], GraphAttribute.Int("axis", 1));
    }
}
