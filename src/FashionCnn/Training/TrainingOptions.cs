using FashionCnn.Compute;
using FashionCnn.Data;
using FashionCnn.Model;
using FashionCnn.Optimizers;

namespace FashionCnn.Training;

/// <summary>When early stopping puts the best epoch's weights back into the model.</summary>
public enum RestoreBest
{
    /// <summary>On an early stop and also when the last epoch is reached (Keras 3's EarlyStopping).</summary>
    Always,

    /// <summary>Only on an early stop (Keras 2's EarlyStopping).</summary>
    OnStop,
}

public static class RestoreBests
{
    /// <summary>always is Keras 3's EarlyStopping, on-stop Keras 2's.</summary>
    public static readonly Spelling<RestoreBest> Spelling = new("--restore-best", ("always", RestoreBest.Always), ("on-stop", RestoreBest.OnStop));
}

/// <summary>Everything a training run can be told, with the book's chapter 8-2 values as defaults.</summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// The model to build: a bundled name (see <see cref="Model.ArchitectureSource.Bundled"/>), a Keras JSON config, or a
    /// model file whose layers are used. Null: the model of <see cref="InitFrom"/>, else the book's CNN.
    /// </summary>
    public string? Architecture { get; init; }

    /// <summary>Start from this trained model's weights (Keras' load_model then fit); the optimizer starts fresh.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Passes over the training set (the book fits up to 20 with early stopping).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per step; Keras' default of 32 gives 1,500 steps over 48,000 images.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer and its hyperparameters; Adam as in the book's chapter 8 (Keras' compile() default is RMSprop).</summary>
    public OptimizerSettings Optimizer { get; init; } = new();

    /// <summary>The Keras schedule JSON file <see cref="OptimizerSettings.Schedule"/> was read from, if it was: the run record names it.</summary>
    public string? ScheduleFile { get; init; }

    /// <summary>Keras' ReduceLROnPlateau on the optimizer's rate; null for none. Not with a schedule, which owns the rate.</summary>
    public PlateauSettings? ReduceLROnPlateau { get; init; }

    /// <summary>Epochs without a lower val_loss before stopping, as the book's EarlyStopping(patience=2); 0 turns early stopping off.</summary>
    public int Patience { get; init; } = 2;

    /// <summary>Seeds the initial weights, the shuffle of every epoch and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();

    /// <summary>Train on the first N of the 48,000 training images only (smoke runs); null for all.</summary>
    public int? Limit { get; init; }

    public RestoreBest RestoreBest { get; init; } = RestoreBest.Always;

    /// <summary>The data set: --data, or the Fashion-MNIST folder (--data-dir or looked up), with its image options.</summary>
    public DataOptions Data { get; init; } = new();

    /// <summary>Where the checkpoint, history and plots go.</summary>
    public string ModelDir { get; init; } = "models";

    /// <summary>Continue the run in <see cref="ModelDir"/> from its last completed epoch (last-epoch.safetensors).</summary>
    public bool Resume { get; init; }

    /// <summary>Replace another run's files in <see cref="ModelDir"/>; without it such a run stops before writing (<see cref="RunIdentity"/>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Checks every value; the first bad one is an error naming its option.</summary>
    public TrainingOptions Validated()
    {
        Require(Epochs >= 1, $"--epochs must be at least 1 (got {Epochs}).");
        Require(BatchSize is >= 1 and <= MaxBatchSize, $"--batch-size must be between 1 and {MaxBatchSize:N0} (got {BatchSize}).");
        Require(Patience >= 0, $"--patience must be 0 (off) or more (got {Patience}).");
        Require(Limit is null or >= 1, $"--limit must be at least 1 (got {Limit}).");
        Compute.Require();
        Optimizer.Validated();
        ReduceLROnPlateau?.Validated();
        // Keras too: an optimizer built with a LearningRateSchedule has no settable rate for ReduceLROnPlateau to lower.
        Require(ReduceLROnPlateau is null || Optimizer.Schedule is null,
            "--reduce-lr-on-plateau and --lr-schedule together: the schedule sets every step's rate, so there is none to reduce (Keras refuses the pair too).");
        return this;
    }

    /// <summary>More images per step than the 48,000 of the training set is one batch anyway.</summary>
    public const int MaxBatchSize = 48_000;

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new FashionCnnException(message);
    }
}
