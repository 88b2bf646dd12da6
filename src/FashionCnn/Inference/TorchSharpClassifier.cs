using FashionCnn.Checkpoints;
using FashionCnn.Data;
using FashionCnn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Inference;

/// <summary>
/// A TorchSharp network as a classifier: each batch goes to the device, through the network in inference mode
/// (dropout off, BatchNormalization on its moving statistics), and back; the network is then left in the mode it was in.
/// </summary>
public sealed class TorchSharpClassifier : IClassifier
{
    private readonly SequentialNet _net;
    private readonly Device _device;
    private readonly bool _ownsNet;

    /// <summary>A model file's network, which the classifier owns and disposes.</summary>
    public TorchSharpClassifier(LoadedModel model, Device device) : this(model.Net, model.ClassNames, model.Format, device, ownsNet: true)
    {
    }

    private TorchSharpClassifier(SequentialNet net, IReadOnlyList<string> classNames, string format, Device device, bool ownsNet)
    {
        (_net, ClassNames, Format, _device, _ownsNet) = (net, classNames, format, device, ownsNet);
    }

    /// <summary>A network that stays its owner's (a training run's, explain's): disposing the classifier leaves it alive.</summary>
    public static TorchSharpClassifier Borrowing(SequentialNet net, IReadOnlyList<string> classNames, Device device) =>
        new(net, classNames, "TorchSharp network", device, ownsNet: false);

    public string Format { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public Model.TensorShape InputShape => _net.Spec.InputShape;

    /// <summary>log_softmax of the network's float32 logits, the numerically stable form of Keras' softmax-then-log.</summary>
    public float[] LogProbabilities(ReadOnlySpan<byte> pixels, int count)
    {
        bool wasTraining = _net.training;
        _net.eval();
        try
        {
            using var scope = NewDisposeScope();
            // Inference mode skips autograd's version counters and views bookkeeping, cheaper than no_grad.
            using var _ = inference_mode(true);
            var images = tensor(pixels.ToArray(), _net.PixelShape(count), ScalarType.Byte).to(_device);
            var logits = _net.call(_net.InputFromPixels(images));
            return nn.functional.log_softmax(logits, 1).cpu().data<float>().ToArray();
        }
        finally
        {
            if (wasTraining) _net.train();
        }
    }

    public void Dispose()
    {
        if (_ownsNet) _net.Dispose();
    }
}
