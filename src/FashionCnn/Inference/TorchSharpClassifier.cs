using FashionCnn.Checkpoints;
using FashionCnn.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Inference;

/// <summary>A model file's TorchSharp network as a classifier: each batch goes to the device, through the network in inference mode, and back.</summary>
public sealed class TorchSharpClassifier : IClassifier
{
    private readonly Device _device;

    public TorchSharpClassifier(LoadedModel model, Device device)
    {
        Model = model;
        _device = device;
        // Inference: dropout off and BatchNormalization on its moving statistics, whatever the net was doing before.
        model.Net.eval();
    }

    public LoadedModel Model { get; }

    public string Format => Model.Format;

    public IReadOnlyList<string> ClassNames => Model.ClassNames;

    public Model.TensorShape InputShape => Model.Net.Spec.InputShape;

    public float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode(true);
        var images = tensor(pixels.ToArray(), Model.Net.PixelShape(count), ScalarType.Byte).to(_device);
        var logits = Model.Net.call(Model.Net.InputFromPixels(images));
        return nn.functional.log_softmax(logits, 1).cpu().data<float>().ToArray();
    }

    public void Dispose() => Model.Net.Dispose();
}
