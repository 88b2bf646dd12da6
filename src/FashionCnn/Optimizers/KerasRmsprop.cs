using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' RMSprop (keras/src/optimizers/rmsprop.py) with its defaults centered=False, momentum=0:
/// v ← ρ·v + (1 − ρ)·g², θ ← θ − lr·g / √(v + ε). Keras puts ε inside the square root and starts v at 0;
/// PyTorch's RMSprop adds ε outside it (θ ← θ − lr·g / (√v + ε)). This is the optimizer Keras' compile()
/// uses when none is named, as in the book's 7-1 and 7-2.
/// </summary>
public sealed class KerasRmsprop : KerasOptimizer
{
    private readonly Tensor _velocity;

    public KerasRmsprop(IEnumerable<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        _velocity = AddSlot("velocity");
    }

    protected override void Apply(long step)
    {
        double rho = Settings.EffectiveRho;
        _velocity.mul_(rho).addcmul_(Gradient, Gradient, 1 - rho);
        Flat.addcdiv_(Gradient, _velocity.add(OptimizerSettings.Epsilon).sqrt_(), -LearningRate);
    }
}
