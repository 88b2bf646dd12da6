using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// Keras' Adam, exactly: m ← m + (g − m)(1 − β1), v ← v + (g² − v)(1 − β2),
/// θ ← θ − α·m / (√v + ε) with α = lr·√(1 − β2ᵗ) / (1 − β1ᵗ). (PyTorch's Adam adds ε after dividing √v by
/// its bias correction, which is Keras' update with a smaller ε.)
/// All parameters live in one flat buffer that the model's parameters are views of, so an update is a
/// handful of operations over 333,526 numbers instead of a handful per parameter tensor: per-operation
/// overhead, not arithmetic, is what an update of this small model costs.
/// </summary>
public sealed class KerasAdam : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor _flat, _m, _v;
    private readonly double _learningRate, _beta1, _beta2, _epsilon;

    public long Step { get; private set; }

    public KerasAdam(IEnumerable<Parameter> parameters, double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
    {
        (_learningRate, _beta1, _beta2, _epsilon) = (learningRate, beta1, beta2, epsilon);
        _parameters = parameters.ToArray();
        using (no_grad())
        {
            _flat = cat(_parameters.Select(p => p.detach().flatten()).ToArray());
            long offset = 0;
            foreach (var p in _parameters)
            {
                // The parameter keeps its identity (and its place in the module) but its storage becomes a slice of _flat.
                using var slice = _flat.narrow(0, offset, p.numel()).view(p.shape);
                p.set_(slice);
                offset += p.numel();
            }
        }
        _m = zeros_like(_flat);
        _v = zeros_like(_flat);
    }

    /// <summary>One update from the gradients the last backward pass left on the parameters.</summary>
    public void Update()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var gradient = cat(_parameters.Select(p => p.grad ?? zeros_like(p)).Select(g => g.flatten()).ToArray());
        Step++;
        _m.lerp_(gradient, 1 - _beta1);
        _v.mul_(_beta2).addcmul_(gradient, gradient, 1 - _beta2);
        double alpha = _learningRate * Math.Sqrt(1 - Math.Pow(_beta2, Step)) / (1 - Math.Pow(_beta1, Step));
        _flat.addcdiv_(_m, _v.sqrt().add_(_epsilon), -alpha);
    }

    /// <summary>The moments and step count, for a checkpoint that training can resume from.</summary>
    public (float[] M, float[] V, long Step) State()
    {
        using var m = _m.cpu();
        using var v = _v.cpu();
        return (m.data<float>().ToArray(), v.data<float>().ToArray(), Step);
    }

    public void Restore(float[] m, float[] v, long step)
    {
        if (m.Length != _m.numel() || v.Length != _v.numel())
            throw new FashionCnnException($"optimizer state holds {m.Length} moments; the model has {_m.numel()} parameters.");
        using var _ = no_grad();
        using var mHost = tensor(m);
        using var vHost = tensor(v);
        _m.copy_(mHost);
        _v.copy_(vHost);
        Step = step;
    }

    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
    }
}
