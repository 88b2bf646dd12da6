using System.Runtime.InteropServices;
using FashionCnn.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionCnn.Optimizers;

/// <summary>
/// What every optimizer of this tool shares. All parameters live in one flat buffer that the model's
/// parameters are views of, and all gradients in another that backward accumulates into (each parameter's
/// <c>.grad</c> is a view of it), so an update is a handful of operations over all the numbers at once instead
/// of a handful per parameter tensor, with no copying in or out. Each optimizer keeps its state in named
/// slots of the same length (Adam's <c>m</c> and <c>v</c>, RMSprop's <c>velocity</c>, SGD's <c>momentum</c>,
/// Adagrad's <c>accumulator</c>), which a resume file saves and restores by name.
/// </summary>
public abstract class KerasOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly List<(string Name, Tensor Value)> _slots = [];

    /// <summary>Every parameter, in model order.</summary>
    protected Tensor Flat { get; }

    /// <summary>Every parameter's gradient, in the same order.</summary>
    protected Tensor Gradient { get; }

    public OptimizerSettings Settings { get; }

    /// <summary>Updates made so far (Keras' <c>optimizer.iterations</c>).</summary>
    public long Step { get; private set; }

    /// <summary>The rate of the update being applied, fixed by <see cref="Update"/> before it calls <see cref="Apply"/>.</summary>
    protected double LearningRate { get; private set; }

    private double _constantRate;

    /// <summary>
    /// Keras' <c>optimizer.learning_rate</c>: the rate the next update will use. A schedule's at <see cref="Step"/> (Keras calls
    /// the schedule with <c>iterations</c> before incrementing it), else the constant rate, which <see cref="SetLearningRate"/> changes.
    /// </summary>
    public double CurrentLearningRate => Settings.Schedule?.At(Step) ?? _constantRate;

    /// <summary>Sets the constant rate (what ReduceLROnPlateau does); an optimizer with a schedule has none to set, as in Keras.</summary>
    public void SetLearningRate(double rate)
    {
        if (Settings.Schedule is not null) throw new InvalidOperationException("An optimizer with a learning-rate schedule has no rate to set.");
        _constantRate = rate;
    }

    protected KerasOptimizer(IEnumerable<Parameter> parameters, OptimizerSettings settings)
    {
        Settings = settings;
        _constantRate = settings.EffectiveLearningRate;
        _parameters = parameters.ToArray();
        using (no_grad())
        {
            Flat = cat(_parameters.Select(p => p.detach().flatten()).ToArray());
            Gradient = zeros_like(Flat);
            long offset = 0;
            foreach (var p in _parameters)
            {
                // The parameter keeps its identity (and its place in the module) but its storage becomes a slice of Flat.
                using var slice = Flat.narrow(0, offset, p.numel()).view(p.shape);
                p.set_(slice);
                // Backward adds into an existing .grad in place, so the gradients land in Gradient.
                p.grad = Gradient.narrow(0, offset, p.numel()).view(p.shape);
                offset += p.numel();
            }
        }
    }

    /// <summary>Creates the optimizer <paramref name="settings"/> names over <paramref name="parameters"/>.</summary>
    public static KerasOptimizer Create(OptimizerSettings settings, IEnumerable<Parameter> parameters) => settings.Kind switch
    {
        OptimizerKind.Adam => new KerasAdam(parameters, settings),
        OptimizerKind.Sgd => new KerasSgd(parameters, settings),
        OptimizerKind.Rmsprop => new KerasRmsprop(parameters, settings),
        OptimizerKind.Adagrad => new KerasAdagrad(parameters, settings),
        _ => throw new ArgumentOutOfRangeException(nameof(settings)),
    };

    /// <summary>A state slot as long as the parameters, filled with <paramref name="initial"/>.</summary>
    protected Tensor AddSlot(string name, double initial = 0)
    {
        var slot = full_like(Flat, initial);
        _slots.Add((name, slot));
        return slot;
    }

    /// <summary>Clears the gradients before a backward pass.</summary>
    public void ZeroGrad() => Gradient.zero_();

    /// <summary>One update from the gradients the last backward pass left.</summary>
    public void Update()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        LearningRate = CurrentLearningRate;
        Step++;
        Apply(Step);
    }

    /// <summary>The update rule: <see cref="Flat"/> changes by <see cref="Gradient"/> at 1-based iteration <paramref name="step"/>.</summary>
    protected abstract void Apply(long step);

    /// <summary>
    /// Whether the buffers live in the host's memory, where an update rule can run as one pass over them
    /// (<see cref="HostFloats"/>) instead of as several libtorch operations.
    /// </summary>
    protected bool OnHost => Flat.device_type == DeviceType.CPU;

    /// <summary>The first float of a flat buffer (<see cref="Flat"/>, <see cref="Gradient"/> or a slot) on the host, by the call TorchSharp's own accessors make.</summary>
    protected static unsafe float* HostFloats(Tensor buffer)
    {
        if (buffer.device_type != DeviceType.CPU || buffer.dtype != ScalarType.Float32 || !buffer.is_contiguous())
            throw new InvalidOperationException("an optimizer's buffers on the host are contiguous float32");
        return (float*)THSTensor_data(buffer.Handle);
    }

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The slots' values on the host, named <c>optimizer.&lt;slot&gt;</c>, for a checkpoint that training can resume from.</summary>
    public IReadOnlyList<NamedTensor> State() =>
        _slots.Select(s => NamedTensor.From($"optimizer.{s.Name}", s.Value)).ToList();

    /// <summary>
    /// Puts back what <see cref="State"/> saved; every slot must be there, with the model's length. A schedule continues from
    /// <paramref name="step"/>; <paramref name="learningRate"/> is the constant rate as it was (null: the settings' rate).
    /// </summary>
    public void Restore(IReadOnlyList<NamedTensor> state, long step, double? learningRate, string source)
    {
        using var _ = no_grad();
        foreach (var (name, slot) in _slots)
        {
            var saved = state.FirstOrDefault(t => t.Name == $"optimizer.{name}")
                ?? throw new FashionCnnException($"{source}: no optimizer.{name} for {Settings.Name}'s state.");
            if (saved.Values.LongLength != slot.numel())
                throw new FashionCnnException($"{source}: optimizer.{name} holds {saved.Values.LongLength} values; the model has {slot.numel()} parameters.");
            using var host = tensor(saved.Values);
            slot.copy_(host);
        }
        Step = step;
        if (Settings.Schedule is null) _constantRate = learningRate ?? Settings.EffectiveLearningRate;
    }

    public void Dispose()
    {
        foreach (var (_, slot) in _slots) slot.Dispose();
        GC.SuppressFinalize(this);
    }
}
