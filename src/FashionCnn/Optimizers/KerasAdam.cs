using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>
/// Keras' Adam (keras/src/optimizers/adam.py), exactly: m ← m + (g − m)(1 − β1), v ← v + (g² − v)(1 − β2),
/// θ ← θ − α·m / (√v + ε) with α = lr·√(1 − β2ᵗ) / (1 − β1ᵗ). PyTorch's Adam adds ε after dividing √v by
/// its bias correction, which is Keras' update with a smaller ε.
/// </summary>
public sealed class KerasAdam : KerasOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999;
    private readonly Tensor _m, _v;

    public KerasAdam(IEnumerable<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        _m = AddSlot("m");
        _v = AddSlot("v");
    }

    protected override void Apply(long step)
    {
        _m.lerp_(Gradient, 1 - Beta1);
        _v.mul_(Beta2).addcmul_(Gradient, Gradient, 1 - Beta2);
        double alpha = LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, step)) / (1 - Math.Pow(Beta1, step));
        Flat.addcdiv_(_m, _v.sqrt().add_(OptimizerSettings.Epsilon), -alpha);
    }
}
