using FashionCnn.Checkpoints;
using FashionCnn.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Inference;

/// <summary>A model file's TorchSharp network as a classifier: each batch goes to the device, through the network in inference mode, and back.</summary>
public sealed class TorchSharpClassifier(LoadedModel model, Device device) : IClassifier
{
    public LoadedModel Model { get; } = model;

    public string Format => Model.Format;

    public IReadOnlyList<string> ClassNames => Model.ClassNames;

    public float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode(true);
        var images = tensor(pixels.ToArray(), [count, 1, LabeledImages.Height, LabeledImages.Width], ScalarType.Byte).to(device);
        var logits = Model.Net.call(Model.Net.InputFromPixels(images));
        return nn.functional.log_softmax(logits, 1).cpu().data<float>().ToArray();
    }

    public void Dispose() => Model.Net.Dispose();
}
