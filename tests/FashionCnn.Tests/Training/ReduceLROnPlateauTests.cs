using FashionCnn.Training;

namespace FashionCnn.Tests.Training;

/// <summary>
/// Keras' ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py) driven by scripted metrics; the expected rates
/// are worked by hand from its on_epoch_end: the cooldown counter falls first, an improvement resets the wait, a wait that
/// reaches patience outside cooldown reduces a rate above min_lr.
/// </summary>
public class ReduceLROnPlateauTests
{
    private static EpochRecord Epoch(int epoch, double valLoss, double valAccuracy = 0.5) => new(epoch + 1, 1.0, 0.5, valLoss, valAccuracy, 1.0);

    /// <summary>Runs the callback over the values as the training loop does; the rate after each epoch's decision.</summary>
    private static double[] Rates(ReduceLROnPlateau callback, double rate, double[] valLosses, int first = 0)
    {
        var rates = new double[valLosses.Length];
        for (int i = 0; i < valLosses.Length; i++)
        {
            if (callback.OnEpochEnd(Epoch(first + i, valLosses[i]), rate) is double reduced) rate = reduced;
            rates[i] = rate;
        }
        return rates;
    }

    private static readonly PlateauSettings Scripted = new() { Factor = 0.5, Patience = 2, MinDelta = 0.01, Cooldown = 1, MinLr = 0.02 };

    // e0 best 1.0; e1 0.9 improves; e2 0.895 is not better by 0.01 (wait 1); e3 wait 2: 0.1 → 0.05, cooldown 1;
    // e4 the cooldown ends and the epoch already counts (wait 1); e5 wait 2: 0.05 → 0.025; e6 cooldown, wait 1; e7 0.8 improves;
    // e8 wait 1; e9 wait 2: 0.025 · 0.5 = 0.0125, held at min_lr 0.02; e10 wait 1; e11, e12: the rate is min_lr, nothing to reduce.
    private static readonly double[] ScriptedLosses = [1.0, 0.9, 0.895, 0.9, 0.95, 0.96, 0.97, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89];
    private static readonly double[] ScriptedRates = [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02];

    [Fact]
    public void Reduces_after_patience_waits_out_its_cooldown_and_stops_at_min_lr()
    {
        Assert.Equal(ScriptedRates, Rates(new ReduceLROnPlateau(Scripted), 0.1, ScriptedLosses));
    }

    [Fact]
    public void A_rate_at_min_lr_is_not_reduced_and_the_wait_keeps_counting()
    {
        var callback = new ReduceLROnPlateau(Scripted);
        Rates(callback, 0.1, ScriptedLosses);
        Assert.Equal(new PlateauState(0.8, 3, 0), callback.State); // e10 wait 1 as its cooldown ends, e11 wait 2 at min_lr, e12 wait 3
    }

    [Fact]
    public void A_change_smaller_than_min_delta_is_no_improvement()
    {
        var settings = new PlateauSettings { Factor = 0.1, Patience = 1 }; // Keras' default min_delta 1e-4
        Assert.Equal([1.0, 1.0, 0.1], Rates(new ReduceLROnPlateau(settings), 1.0, [0.5, 0.4, 0.39995]));
    }

    [Fact]
    public void An_accuracy_is_maximised_under_auto()
    {
        var callback = new ReduceLROnPlateau(new PlateauSettings { Monitor = "val_accuracy", Factor = 0.1, Patience = 1, MinDelta = 0 });
        double rate = 1.0;
        var rates = new List<double>();
        foreach (double accuracy in new[] { 0.5, 0.6, 0.6, 0.59, 0.7 })
        {
            if (callback.OnEpochEnd(Epoch(rates.Count, 9.9, accuracy), rate) is double reduced) rate = reduced;
            rates.Add(rate);
        }
        // 0.6 improves on 0.5; the same 0.6 does not (strictly greater), nor 0.59; 0.7 improves.
        Assert.Equal(1.0, rates[1]);
        Assert.Equal(0.1, rates[2], 15);
        Assert.Equal(0.01, rates[3], 15);
        Assert.Equal(0.01, rates[4], 15);
    }

    [Fact]
    public void Restored_state_continues_as_the_uninterrupted_run()
    {
        var first = new ReduceLROnPlateau(Scripted);
        double[] before = Rates(first, 0.1, ScriptedLosses[..5]);
        var resumed = new ReduceLROnPlateau(Scripted);
        resumed.Restore(first.State);
        double[] after = Rates(resumed, before[^1], ScriptedLosses[5..], first: 5);
        Assert.Equal(ScriptedRates, before.Concat(after).ToArray());
    }

    [Theory]
    [InlineData(1.0, "--plateau-factor must be above 0 and below 1")]
    [InlineData(1.5, "--plateau-factor must be above 0 and below 1")]
    [InlineData(0.0, "--plateau-factor must be above 0 and below 1")]
    public void A_factor_outside_keras_range_is_refused(double factor, string message) =>
        Assert.Contains(message, Assert.Throws<FashionCnnException>(() => new PlateauSettings { Factor = factor }.Validated()).Message);
}
