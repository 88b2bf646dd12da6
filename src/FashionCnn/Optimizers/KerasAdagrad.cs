using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' Adagrad (keras/src/optimizers/adagrad.py): the accumulator starts at 0.1
/// (initial_accumulator_value), a ← a + g², θ ← θ − lr·g / √(a + ε). PyTorch's Adagrad starts the
/// accumulator at 0 and adds ε outside the square root.
/// </summary>
public sealed class KerasAdagrad : KerasOptimizer
{
    public const double InitialAccumulator = 0.1;
    private readonly Tensor _accumulator;

    public KerasAdagrad(IEnumerable<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        _accumulator = AddSlot("accumulator", InitialAccumulator);
    }

    protected override void Apply(long step)
    {
        _accumulator.addcmul_(Gradient, Gradient, 1);
        Flat.addcdiv_(Gradient, _accumulator.add(OptimizerSettings.Epsilon).sqrt_(), -LearningRate);
    }
}
