using System.Numerics;
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
        if (OnHost)
        {
            ApplyOnHost(rho, (float)LearningRate);
            return;
        }
        _velocity.mul_(rho).addcmul_(Gradient, Gradient, 1 - rho);
        Flat.addcdiv_(Gradient, _velocity.add(OptimizerSettings.Epsilon).sqrt_(), -LearningRate);
    }

    /// <summary>
    /// The same update in one pass over the host's buffers, in the order of the operations above (see <see cref="KerasAdam"/>):
    /// the book's 7-2 (dense, relu) with rmsprop on one thread, epochs 2 and 3, 0.52–0.54 s against 0.61–0.69 s as four
    /// libtorch operations, the same val_accuracy to the last digit (three alternating runs, 2026-12-04).
    /// </summary>
    private unsafe void ApplyOnHost(double decay, float rate)
    {
        float* theta = HostFloats(Flat), g = HostFloats(Gradient), v = HostFloats(_velocity);
        long n = Flat.numel(), i = 0;
        float rho = (float)decay, keep = (float)(1 - decay), epsilon = (float)OptimizerSettings.Epsilon;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var (rhos, keeps, epsilons, steps) = (new Vector<float>(rho), new Vector<float>(keep), new Vector<float>(epsilon), new Vector<float>(-rate));
            for (; i + width <= n; i += width)
            {
                var gi = Vector.Load(g + i);
                var vi = Vector.Load(v + i) * rhos + keeps * gi * gi;
                vi.Store(v + i);
                (Vector.Load(theta + i) + steps * gi / Vector.SquareRoot(vi + epsilons)).Store(theta + i);
            }
        }
        for (; i < n; i++)
        {
            v[i] = v[i] * rho + keep * g[i] * g[i];
            theta[i] += -rate * g[i] / MathF.Sqrt(v[i] + epsilon);
        }
    }
}
