using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Model.Layers;

/// <summary>Keras <c>Dropout(rate)</c>: active in training only.</summary>
public sealed record Dropout(string Name, double Rate) : Layer(Name)
{
    public override string KerasClass => "Dropout";

    public override WeightPicture WeightPicture => WeightPicture.None;

    public override TensorShape OutputShape(TensorShape input) => input;

    public override IReadOnlyList<LayerVariable> Variables(TensorShape input) => [];

    public override long Flops(TensorShape input, TensorShape output) => 0;
    public override long WorkspaceElements(TensorShape input, TensorShape output) => 0;

    public override JsonObject KerasConfig() => Config(("rate", Rate));

    internal static Dropout FromKeras(KerasConfigValues c)
    {
        double rate = c.Number("rate", 0);
        return rate is >= 0 and < 1 ? new Dropout(c.Layer, rate) : throw c.Error($"has rate {rate}; a dropout rate is at least 0 and below 1");
    }

    public override nn.Module<Tensor, Tensor>? CreateModule(TensorShape input) => null;

    /// <summary>Inverted dropout, as Keras and PyTorch do it: zero each unit with probability rate, scale the rest by 1/(1 − rate).</summary>
    public override Tensor Forward(LayerRun run, Tensor x)
    {
        if (!run.Training) return x;
        if (run.Generator is null) return nn.functional.dropout(x, Rate, training: true);
        using var keep = empty_like(x).bernoulli_(1 - Rate, run.Generator);
        return x.mul(keep).div_(1 - Rate);
    }

    /// <summary>Inference: the identity, so nothing is written.</summary>
    public override void WriteOnnx(LayerGraph graph, TensorShape input, TensorShape output, bool isOutput) { }
}
