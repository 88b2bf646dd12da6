using System.Text.Json;
using FashionCnn.Checkpoints;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Optimizers;
using FashionCnn.Training;
using static TorchSharp.torch;

namespace FashionCnn.Tests.Training;

/// <summary>
/// The callbacks as the training loop drives them: each owns its state, which goes through the resume file's JSON
/// under its name and continues as the uninterrupted run would; early stopping keeps and puts back its best weights.
/// </summary>
public class TrainingCallbackTests
{
    private static readonly ModelSpec Tiny = new(new TensorShape(4), [new Dense("dense", 3, Activation.Softmax)]);

    private static readonly double[] ValLosses = [0.9, 0.7, 0.8, 0.6, 0.65, 0.66, 0.67];

    private static EpochRecord Record(int epoch) => new(epoch + 1, 1.0 - epoch * 0.01, 0.5, ValLosses[epoch], 0.5 + epoch * 0.01, 1.0);

    /// <summary>The loop's order over <paramref name="epochs"/> epochs: the weights change each epoch, then every callback hears of it.</summary>
    private static void Run(SequentialNet net, KerasOptimizer optimizer, IEnumerable<ITrainingCallback> callbacks, Range epochs)
    {
        var (first, count) = epochs.GetOffsetAndLength(ValLosses.Length);
        for (int epoch = first; epoch < first + count; epoch++)
        {
            using (no_grad()) net.WeightAndBias(0).Weight.fill_(epoch);
            var end = new EpochEnd(epoch, Record(epoch), net, optimizer);
            foreach (var callback in callbacks) callback.OnEpochEnd(end);
        }
    }

    private static (SequentialNet Net, KerasOptimizer Optimizer) Build()
    {
        var net = new SequentialNet(Tiny);
        net.InitializeLikeKeras(1);
        return (net, KerasOptimizer.Create(new OptimizerSettings().Validated(), net.parameters()));
    }

    /// <summary>The states as the resume file keeps them: one JSON object, each callback's state under its name.</summary>
    private static Dictionary<string, JsonElement> ThroughTheFile(IEnumerable<ITrainingCallback> callbacks) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(callbacks.ToDictionary(c => c.Name, c => c.SaveState())))!;

    [Fact]
    public void Early_stopping_puts_back_the_weights_of_its_best_epoch_when_the_run_ends()
    {
        var (net, optimizer) = Build();
        var stopping = new EarlyStopping(3, RestoreBest.OnStop);

        Run(net, optimizer, [stopping], 0..7);
        stopping.OnTrainEnd(new TrainEnd(net, 6, Interrupted: false));

        Assert.Equal(6, stopping.StoppedEpoch);
        Assert.True(stopping.RestoredBestWeights);
        // Epoch 3 (val_loss 0.6) was the best; its weights were all 3.
        Assert.All(net.WeightAndBias(0).Weight.data<float>().ToArray(), w => Assert.Equal(3f, w));
        net.Dispose();
    }

    [Fact]
    public void After_ctrl_c_the_last_weights_stay()
    {
        var (net, optimizer) = Build();
        var stopping = new EarlyStopping(3, RestoreBest.Always);

        Run(net, optimizer, [stopping], 0..5);
        stopping.OnTrainEnd(new TrainEnd(net, 4, Interrupted: true));

        Assert.False(stopping.RestoredBestWeights);
        Assert.All(net.WeightAndBias(0).Weight.data<float>().ToArray(), w => Assert.Equal(4f, w));
        net.Dispose();
    }

    [Fact]
    public void Every_callback_resumed_from_its_saved_state_ends_as_the_uninterrupted_run()
    {
        var plateau = new PlateauSettings { Patience = 1, Factor = 0.5, MinDelta = 0 };
        ITrainingCallback[] Fresh(List<int> saved, Func<IReadOnlyList<NamedTensor>?>? best = null) =>
            [new History(), new ReduceLROnPlateau(plateau), new EarlyStopping(3, RestoreBest.Always, best), new ModelCheckpoint(saved.Add)];

        var (net, optimizer) = Build();
        var savedWhole = new List<int>();
        var whole = Fresh(savedWhole);
        Run(net, optimizer, whole, 0..7);
        whole[2].OnTrainEnd(new TrainEnd(net, 6, false));
        float[] wholeWeights = net.WeightAndBias(0).Weight.data<float>().ToArray();
        double wholeRate = optimizer.CurrentLearningRate;
        net.Dispose();
        optimizer.Dispose();

        (net, optimizer) = Build();
        var savedFirst = new List<int>();
        var first = Fresh(savedFirst);
        Run(net, optimizer, first, 0..4);
        var file = ThroughTheFile(first);
        // What the checkpoint held when the run stopped: the best epoch so far (3) wrote its weights.
        var checkpoint = Checkpoint.Weights(net);
        double rate = optimizer.CurrentLearningRate;
        net.Dispose();
        optimizer.Dispose();

        (net, optimizer) = Build();
        optimizer.SetLearningRate(rate);
        var savedSecond = new List<int>();
        var second = Fresh(savedSecond, () => checkpoint);
        foreach (var callback in second) callback.RestoreState(file[callback.Name], completedEpochs: 4);
        Run(net, optimizer, second, 4..7);
        second[2].OnTrainEnd(new TrainEnd(net, 6, false));

        Assert.Equal(((History)whole[0]).Epochs, ((History)second[0]).Epochs);
        Assert.Equal(JsonSerializer.Serialize(whole.Select(c => c.SaveState())), JsonSerializer.Serialize(second.Select(c => c.SaveState())));
        Assert.Equal(savedWhole, savedFirst.Concat(savedSecond));
        Assert.Equal(wholeRate, optimizer.CurrentLearningRate);
        Assert.Equal(wholeWeights, net.WeightAndBias(0).Weight.data<float>().ToArray());
        Assert.True(((EarlyStopping)second[2]).RestoredBestWeights);
        net.Dispose();
        optimizer.Dispose();
    }

    [Theory]
    [InlineData("history", """[{"epoch":1,"loss":null,"accuracy":0.5,"val_loss":0.5,"val_accuracy":0.5,"seconds":1}]""", "the state of history is not one")]
    [InlineData("history", """[{"epoch":1,"loss":0.5,"accuracy":0.5,"val_loss":0.5,"val_accuracy":0.5,"seconds":1}]""", "1 record(s) for 2 epoch(s)")]
    [InlineData("early_stopping", """{"BestValLoss":0.5,"BestEpoch":2,"Wait":0}""", "names epoch 3")]
    [InlineData("early_stopping", """{"BestValLoss":0.5,"BestEpoch":0,"Wait":-1}""", "a wait of -1")]
    [InlineData("early_stopping", "[]", "the state of early_stopping is not one")]
    [InlineData("model_checkpoint", "null", "the state of model_checkpoint is null")]
    [InlineData("reduce_lr_on_plateau", """{"Best":0.5,"Wait":0,"CooldownCounter":-2}""", "a cooldown of -2")]
    public void A_state_that_cannot_be_the_run_is_refused_in_one_line_naming_the_callback(string name, string state, string expected)
    {
        ITrainingCallback[] callbacks = [new History(), new EarlyStopping(5, RestoreBest.Always), new ModelCheckpoint(_ => { }), new ReduceLROnPlateau(new PlateauSettings())];
        var callback = callbacks.Single(c => c.Name == name);

        var error = Assert.Throws<FashionCnnException>(() => callback.RestoreState(JsonDocument.Parse(state).RootElement, completedEpochs: 2));

        Assert.Contains(ResumeFile.FileName, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_run_whose_patience_ran_out_does_not_resume_unless_given_more()
    {
        var state = JsonDocument.Parse("""{"BestValLoss":0.5,"BestEpoch":0,"Wait":2}""").RootElement;

        var error = Assert.Throws<FashionCnnException>(() => new EarlyStopping(2, RestoreBest.Always).RestoreState(state, completedEpochs: 3));
        new EarlyStopping(3, RestoreBest.Always).RestoreState(state, completedEpochs: 3);

        Assert.Contains("already stopped early at epoch 3; give a larger --patience", error.Message);
    }
}
