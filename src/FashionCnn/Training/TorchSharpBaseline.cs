using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// The network of a <see cref="ModelSpec"/> trained the way a TorchSharp user writes it (dotnet/TorchSharpExamples'
/// MNIST): an <c>nn.Sequential</c> of Conv2d, ReLU, MaxPool2d, Flatten, Linear and Dropout in channels-first layout with
/// TorchSharp's own initialisation after <c>torch.manual_seed</c>, <c>torch.optim.Adam</c> with Keras' defaults,
/// <c>nn.CrossEntropyLoss</c> on the logits, one dispose scope per step, float32. It is what <c>bench --baseline</c>
/// compares the tool's <see cref="Trainer"/> with: the same libtorch, data, batches, threads and seed, and none of the
/// tool's own work on the step (its memory layouts, its optimizer, its order of operations).
/// </summary>
public sealed class TorchSharpBaseline : IDisposable
{
    private readonly TorchSharp.Modules.Sequential _model;
    private readonly optim.Optimizer _optimizer;
    private readonly TorchSharp.Modules.CrossEntropyLoss _loss = nn.CrossEntropyLoss();
    private readonly ModelSpec _spec;
    private readonly Device _device;

    public TorchSharpBaseline(ModelSpec spec, int seed, Device device)
    {
        _spec = spec;
        _device = device;
        manual_seed(seed);
        _model = nn.Sequential(Modules(spec).ToArray());
        _model.to(device);
        // TorchSharp's torch.optim.Adam defaults β2 to 0.99 (its Adam class to 0.999), so every value is given: Keras' defaults.
        _optimizer = optim.Adam(_model.parameters(), lr: OptimizerSettings.DefaultLearningRate(OptimizerKind.Adam),
            beta1: 0.9, beta2: 0.999, eps: OptimizerSettings.Epsilon);
    }

    public long ParameterCount => _model.parameters().Sum(p => p.numel());

    /// <summary>One training step on a batch of images in the data set's bytes: zero the gradients, forward, loss, backward, update.</summary>
    public void Step(Tensor pixels, Tensor labels)
    {
        using var scope = NewDisposeScope();
        _model.train();
        _optimizer.zero_grad();
        var loss = _loss.call(_model.call(Input(pixels)), labels);
        loss.backward();
        _optimizer.step();
    }

    /// <summary>The mean cross-entropy on a batch in evaluation mode (no dropout), without gradients.</summary>
    public double Loss(Tensor pixels, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _model.eval();
        return _loss.call(_model.call(Input(pixels)), labels).item<float>();
    }

    /// <summary>The first <paramref name="steps"/> batches of <paramref name="epoch"/>, in the order the <see cref="Trainer"/> takes them.</summary>
    public void TrainSteps(DeviceDataset train, int epoch, int seed, int batchSize, int steps)
    {
        using var hostOrder = tensor(Trainer.ShuffleOrder(train.Count, seed, epoch).Select(i => (long)i).ToArray());
        using var order = hostOrder.to(_device);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, (long)step * batchSize, Math.Min(batchSize, train.Count - step * batchSize));
            Step(train.ImagesAt(indices), train.LabelsAt(indices));
        }
    }

    /// <summary>Bytes as floats in 0–1 in the model's input shape, an image channels-first (the data set holds colour images as (N, H, W, C)).</summary>
    private Tensor Input(Tensor pixels)
    {
        var x = pixels.to_type(ScalarType.Float32).div(255);
        var shape = _spec.InputShape;
        if (shape.Rank == 3)
            return shape[2] == 1 ? x.reshape(x.shape[0], 1, shape[0], shape[1]) : x.permute(0, 3, 1, 2);
        return x.reshape([x.shape[0], .. shape.Dimensions.Select(d => (long)d)]);
    }

    /// <summary>The torch.nn modules of each layer, as a TorchSharp user names them; the output's softmax is left to the loss.</summary>
    private static IEnumerable<(string, nn.Module<Tensor, Tensor>)> Modules(ModelSpec spec)
    {
        var rows = spec.Shapes().ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var (layer, input, _) = rows[i];
            bool isOutput = i == rows.Count - 1;
            switch (layer)
            {
                case Conv2D conv:
                    yield return (layer.ModuleName, nn.Conv2d(input[2], conv.Filters, conv.KernelSize, stride: conv.Strides,
                        padding: conv.SamePadding ? Symmetric(layer, conv.SamePaddingFor(input[0]), conv.SamePaddingFor(input[1])) : 0));
                    if (ActivationModule(conv.Activation, isOutput) is { } convActivation) yield return ($"{layer.ModuleName}_{conv.Activation}", convActivation);
                    break;
                case MaxPooling2D pool:
                    yield return (layer.ModuleName, nn.MaxPool2d(pool.PoolSize, pool.Stride, PoolPadding(pool, input)));
                    break;
                case AveragePooling2D pool:
                    yield return (layer.ModuleName, nn.AvgPool2d(pool.PoolSize, pool.Stride, PoolPadding(pool, input), count_include_pad: false));
                    break;
                case BatchNormalization norm:
                    long channels = input[input.Rank - 1];
                    yield return (layer.ModuleName, input.Rank == 3
                        ? nn.BatchNorm2d(channels, norm.Epsilon, 1 - norm.Momentum)
                        : nn.BatchNorm1d(channels, norm.Epsilon, 1 - norm.Momentum));
                    break;
                case Flatten:
                    yield return (layer.ModuleName, nn.Flatten());
                    break;
                case Dense dense:
                    yield return (layer.ModuleName, nn.Linear(input[0], dense.Units));
                    if (ActivationModule(dense.Activation, isOutput) is { } denseActivation) yield return ($"{layer.ModuleName}_{dense.Activation}", denseActivation);
                    break;
                case Dropout dropout:
                    yield return (layer.ModuleName, nn.Dropout(dropout.Rate));
                    break;
                default:
                    throw new FashionCnnException(
                        $"bench --baseline builds Conv2D, MaxPooling2D, AveragePooling2D, BatchNormalization, Flatten, Dense and Dropout layers; {layer.Name} is a {layer.KerasClass}.");
            }
        }
    }

    private static nn.Module<Tensor, Tensor>? ActivationModule(Activation activation, bool isOutput) => activation switch
    {
        Activation.Linear => null,
        Activation.Relu => nn.ReLU(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Tanh => nn.Tanh(),
        Activation.Softmax => isOutput ? null : nn.Softmax(1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    private static long PoolPadding(Pooling2D pool, TensorShape input) =>
        pool.SamePadding ? Symmetric(pool, pool.SamePaddingFor(input[0]), pool.SamePaddingFor(input[1])) : 0;

    /// <summary>torch.nn pads both sides alike; TensorFlow's "same" puts an odd pixel after, which no plain module does.</summary>
    private static long Symmetric(Layer layer, (int Before, int After) rows, (int Before, int After) columns) =>
        rows.Before == rows.After && columns == rows
            ? rows.Before
            : throw new FashionCnnException($"bench --baseline: layer {layer.Name} ({layer.KerasClass}) pads its input unevenly (TensorFlow's \"same\"), which torch.nn's modules do not.");

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _loss.Dispose();
    }
}
