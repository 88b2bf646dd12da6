using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>
/// Keras <c>Reshape(target_shape)</c>: the same values in row-major (channels-last) order, in a new shape;
/// one dimension may be −1 and is then inferred.
/// </summary>
public sealed record Reshape(string Name, int[] TargetShape) : Layer(Name)
{
    public override string KerasClass => "Reshape";

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input)
    {
        int unknown = TargetShape.Count(d => d == -1);
        long known = TargetShape.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (unknown > 1 || TargetShape.Any(d => d == 0 || d < -1) || known == 0)
            throw new FashionCnnException($"layer {Name} (Reshape) has target shape ({string.Join(", ", TargetShape)}); give positive sizes and at most one -1.");
        if (unknown == 1 ? input.ElementCount % known != 0 : known != input.ElementCount)
            throw new FashionCnnException($"layer {Name} (Reshape) cannot turn its {input} input ({input.ElementCount} values) into ({string.Join(", ", TargetShape)}).");
        if (TargetShape.Length is < 1 or > 3)
            throw new FashionCnnException($"layer {Name} (Reshape) gives a rank-{TargetShape.Length} output; supported: 1 to 3 dimensions.");
        return new TensorShape(TargetShape.Select(d => d == -1 ? (int)(input.ElementCount / known) : d).ToArray());
    }

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config(("target_shape", new JsonArray(TargetShape.Select(d => (JsonNode?)d).ToArray())));

    internal static Reshape FromKeras(KerasConfigValues c) => new(c.Layer, c.Ints("target_shape") ?? throw c.Error("lacks target_shape"));

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    /// <summary>The values in channels-last row-major order, in the target shape.</summary>
    public override Tensor Forward(LayerRun run, Tensor x)
    {
        var target = run.Output.Dimensions.Select(d => (long)d);
        return TensorLayout.FromKerasOrder(TensorLayout.ToKerasOrder(x).reshape([x.shape[0], .. target]));
    }

    /// <summary>Keras reshapes the channels-last values in row-major order; 0 in ONNX's shape keeps the batch.</summary>
    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput)
    {
        graph.ToKerasOrder(Name);
        long[] target = [0, .. output.Dimensions.Select(d => (long)d)];
        graph.Apply(Name, "Reshape", [graph.Constant($"{Name}.shape", target)], [LayerGraph.Batch, .. output.Dimensions.Select(d => (long)d)]);
    }

    public bool Equals(Reshape? other) => other is not null && Name == other.Name && TargetShape.SequenceEqual(other.TargetShape);

    public override int GetHashCode() => HashCode.Combine(Name, TargetShape.Length);
}
