using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' SGD (keras/src/optimizers/sgd.py): without momentum θ ← θ − lr·g; with momentum μ the velocity
/// m ← μ·m − lr·g and θ ← θ + m, or with Nesterov θ ← θ + μ·m − lr·g. PyTorch keeps the velocity without the
/// learning rate (b ← μ·b + g, θ ← θ − lr·b), the same path while lr is constant.
/// </summary>
public sealed class KerasSgd : KerasOptimizer
{
    private readonly Tensor? _momentum;

    public KerasSgd(IEnumerable<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        if (settings.EffectiveMomentum > 0) _momentum = AddSlot("momentum");
    }

    protected override void Apply(long step)
    {
        if (_momentum is null)
        {
            Flat.add_(Gradient, -LearningRate);
            return;
        }
        double mu = Settings.EffectiveMomentum;
        _momentum.mul_(mu).add_(Gradient, -LearningRate);
        if (Settings.Nesterov) Flat.add_(_momentum, mu).add_(Gradient, -LearningRate);
        else Flat.add_(_momentum);
    }
}
