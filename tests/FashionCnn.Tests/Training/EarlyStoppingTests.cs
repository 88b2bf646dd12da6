using FashionCnn.Training;

namespace FashionCnn.Tests.Training;

/// <summary>Keras' EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True), driven by scripted val_loss.</summary>
public class EarlyStoppingTests
{
    private static (EarlyStopping Callback, int LastEpoch) Drive(int patience, RestoreBest restore, params double[] valLosses)
    {
        var callback = new EarlyStopping(patience, restore);
        int epoch = 0;
        for (; epoch < valLosses.Length; epoch++)
        {
            callback.OnEpochEnd(epoch, valLosses[epoch]);
            if (callback.ShouldStop) break;
        }
        return (callback, Math.Min(epoch, valLosses.Length - 1));
    }

    [Fact]
    public void Keeps_going_while_val_loss_improves()
    {
        var (callback, last) = Drive(2, RestoreBest.Always, 0.5, 0.4, 0.3, 0.2);

        Assert.False(callback.ShouldStop);
        Assert.Equal(3, callback.BestEpoch);
        Assert.Equal(3, last);
        Assert.False(callback.ShouldRestoreBestWeights(last)); // the last epoch is the best one
    }

    [Fact]
    public void Stops_when_patience_epochs_in_a_row_do_not_improve_and_restores_the_best()
    {
        var (callback, last) = Drive(2, RestoreBest.Always, 0.5, 0.3, 0.35, 0.31, 0.1);

        Assert.True(callback.ShouldStop);
        Assert.Equal(3, callback.StoppedEpoch);
        Assert.Equal(3, last);
        Assert.Equal(1, callback.BestEpoch);
        Assert.True(callback.ShouldRestoreBestWeights(last));
    }

    [Fact]
    public void A_tie_is_not_an_improvement()
    {
        var (callback, _) = Drive(2, RestoreBest.Always, 0.3, 0.3, 0.3);

        Assert.True(callback.ShouldStop);
        Assert.Equal(0, callback.BestEpoch);
        Assert.Equal(2, callback.StoppedEpoch);
    }

    [Fact]
    public void An_improvement_resets_the_patience()
    {
        var (callback, _) = Drive(2, RestoreBest.Always, 0.5, 0.6, 0.4, 0.45, 0.3, 0.35);

        Assert.False(callback.ShouldStop);
        Assert.Equal(4, callback.BestEpoch);
        Assert.Equal(1, callback.Wait);
    }

    [Fact]
    public void Reaching_the_last_epoch_restores_the_best_with_always_as_keras_3()
    {
        var (callback, last) = Drive(3, RestoreBest.Always, 0.5, 0.3, 0.4, 0.45);

        Assert.False(callback.ShouldStop);
        Assert.True(callback.ShouldRestoreBestWeights(last));
    }

    [Fact]
    public void Reaching_the_last_epoch_keeps_the_last_weights_with_on_stop_as_keras_2()
    {
        var (callback, last) = Drive(3, RestoreBest.OnStop, 0.5, 0.3, 0.4, 0.45);

        Assert.False(callback.ShouldStop);
        Assert.False(callback.ShouldRestoreBestWeights(last));
    }

    [Fact]
    public void On_stop_restores_after_an_early_stop()
    {
        var (callback, last) = Drive(1, RestoreBest.OnStop, 0.5, 0.3, 0.4);

        Assert.True(callback.ShouldStop);
        Assert.True(callback.ShouldRestoreBestWeights(last));
    }

    [Fact]
    public void Patience_zero_never_stops_and_never_restores()
    {
        var (callback, last) = Drive(0, RestoreBest.Always, 0.3, 0.4, 0.5, 0.6);

        Assert.False(callback.ShouldStop);
        Assert.Equal(0, callback.BestEpoch);
        Assert.False(callback.ShouldRestoreBestWeights(last));
    }

    [Fact]
    public void Nan_val_loss_is_never_an_improvement()
    {
        var (callback, _) = Drive(2, RestoreBest.Always, 0.5, double.NaN, double.NaN);

        Assert.True(callback.ShouldStop);
        Assert.Equal(0, callback.BestEpoch);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Patience_running_out_on_the_last_epoch_is_not_an_early_stop(int epochs, bool early)
    {
        // val_loss 0.5 then 0.6 with patience 1: patience is used up after epoch 2 whatever the length of the run.
        var (callback, _) = Drive(1, RestoreBest.Always, 0.5, 0.6);

        Assert.True(callback.ShouldStop);
        Assert.Equal(early, callback.StoppedBefore(epochs));
    }

    [Fact]
    public void The_progress_line_says_early_stopping_only_when_the_run_ends_before_its_last_epoch()
    {
        var record = new EpochRecord(10, 0.2, 0.9, 0.3, 0.88, 20);
        var atTheEnd = new StringWriter();
        var early = new StringWriter();

        new FashionCnn.Cli.Commands.KerasProgressBar(atTheEnd, interactive: false).EpochCompleted(record, new EpochOutcome(false, false, StopsEarly: false, Patience: 2));
        new FashionCnn.Cli.Commands.KerasProgressBar(early, interactive: false).EpochCompleted(record with { Epoch = 7 }, new EpochOutcome(false, false, StopsEarly: true, Patience: 2));

        Assert.DoesNotContain("early stopping", atTheEnd.ToString());
        Assert.Contains("Epoch 7: early stopping (val_loss did not improve for 2 epochs)", early.ToString());
    }
}

public class ModelCheckpointTests
{
    [Fact]
    public void Saves_only_when_val_loss_is_strictly_lower_than_every_earlier_epoch()
    {
        var saved = new List<int>();
        var checkpoint = new ModelCheckpoint(saved.Add);
        double[] valLosses = [0.5, 0.4, 0.4, 0.45, 0.3, double.NaN, 0.31];

        for (int epoch = 0; epoch < valLosses.Length; epoch++) checkpoint.OnEpochEnd(epoch, valLosses[epoch]);

        Assert.Equal([0, 1, 4], saved);
        Assert.Equal(0.3, checkpoint.BestValLoss);
    }

    /// <summary>Keras' initial_value_threshold: the fine-tuned model of the issue (val_loss 33.8 from a source of 1.69) is never saved.</summary>
    [Theory]
    [InlineData(1.69, new[] { 33.8, 1.7, 1.5, 1.6 }, new[] { 2 })]
    [InlineData(1.69, new[] { 33.8, 2.0 }, new int[0])]
    [InlineData(double.NaN, new[] { 33.8, 2.0 }, new[] { 0, 1 })]
    [InlineData(double.PositiveInfinity, new[] { 0.5 }, new[] { 0 })]
    public void Starting_from_the_source_val_loss_saves_only_epochs_that_beat_it(double source, double[] valLosses, int[] expected)
    {
        var saved = new List<int>();
        var checkpoint = new ModelCheckpoint(saved.Add);
        checkpoint.StartFrom(source);

        for (int epoch = 0; epoch < valLosses.Length; epoch++) checkpoint.OnEpochEnd(epoch, valLosses[epoch]);

        Assert.Equal(expected, saved);
        Assert.Equal(expected.Length > 0, checkpoint.Saved);
    }
}
