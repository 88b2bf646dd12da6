using System.Diagnostics;
using FashionCnn.Model;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>Where a training step's time goes: one part and its mean milliseconds per step.</summary>
public sealed record ProfilePart(string Part, double Milliseconds);

/// <summary>
/// Splits the real training step (the Trainer's batch, the network's layers, the loss, backward and the optimizer)
/// into its parts by timing each between steps of the same code the epoch runs. The forward pass is timed layer by
/// layer. Backward is one call into autograd, so each layer's share is timed on its own (the layer's backward for
/// a recorded input) and what the one call took beyond their sum is autograd's own bookkeeping. What the parts do
/// not account for of a whole step (dispatch, allocation, the metrics) is "everything else".
/// </summary>
public static class StepProfile
{
    public static IReadOnlyList<ProfilePart> Measure(SequentialNet net, Trainer trainer, DeviceDataset train, int steps, double wholeStepMilliseconds)
    {
        var device = train.Images.device;
        var spec = net.Spec;
        var parts = new Dictionary<string, double>();
        void Add(string part, double ms) => parts[part] = parts.GetValueOrDefault(part) + ms;
        var clock = new Stopwatch();
        double Lap()
        {
            MachinePeak.Synchronize(device);
            double ms = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            return ms;
        }

        using var hostOrder = tensor(Trainer.ShuffleOrder(train.Count, 0, 0).Select(i => (long)i).ToArray());
        using var order = hostOrder.to(device);
        net.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            clock.Restart();
            var (images, labels) = trainer.Batch(train, order, step);
            Add("input: gather and scale the batch", Lap());
            trainer.Optimizer.ZeroGrad();
            var inputs = new List<Tensor>();
            var x = images;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                inputs.Add(x);
                x = net.Forward(x, i, i);
                Add(Group(spec.Layers[i], "forward"), Lap());
            }
            var loss = Trainer.Loss(x, labels);
            Add("loss (softmax cross-entropy)", Lap());
            loss.backward();
            Add("backward: autograd's one call", Lap());
            trainer.Optimizer.Update();
            Add($"optimizer ({trainer.Optimizer.Settings.Name})", Lap());
            for (int i = 0; i < spec.Layers.Count; i++) Add(Group(spec.Layers[i], "backward"), LayerBackward(net, i, inputs[i], device));
        }

        string[] sequence = ["input", "forward conv", "forward dense", "forward other", "loss", "backward conv", "backward dense", "backward other", "backward: autograd", "optimizer"];
        var rows = parts.OrderBy(p => Array.FindIndex(sequence, o => p.Key.StartsWith(o, StringComparison.Ordinal)))
            .Select(p => new ProfilePart(p.Key, p.Value / steps)).ToList();
        // autograd's one call holds every layer's backward; what remains of it is its own work.
        double layers = rows.Where(r => r.Part.StartsWith("backward ", StringComparison.Ordinal) && !r.Part.Contains("autograd")).Sum(r => r.Milliseconds);
        int call = rows.FindIndex(r => r.Part.Contains("autograd"));
        rows[call] = new ProfilePart("backward: autograd's bookkeeping", rows[call].Milliseconds - layers);
        rows.Add(new ProfilePart("everything else: dispatch, allocation, metrics", wholeStepMilliseconds - rows.Sum(r => r.Milliseconds)));
        return rows;
    }

    private static string Group(Layer layer, string pass) => layer switch
    {
        Conv2D => $"{pass} convolutions",
        Dense => $"{pass} dense layers",
        _ => $"{pass} other layers (pooling, dropout, ...)",
    };

    /// <summary>One layer's backward alone: its forward on a copy of the input it got in the step, then backward from ones.</summary>
    private static double LayerBackward(SequentialNet net, int index, Tensor input, Device device)
    {
        using var scope = NewDisposeScope();
        var x = input.detach();
        // The first layer's input is data: the real backward computes no gradient for it.
        if (index > 0 && x.is_floating_point()) x.requires_grad_(true);
        var y = net.Forward(x, index, index);
        if (!y.requires_grad) return 0;
        var gradient = ones_like(y);
        MachinePeak.Synchronize(device);
        var clock = Stopwatch.StartNew();
        y.backward([gradient]);
        MachinePeak.Synchronize(device);
        return clock.Elapsed.TotalMilliseconds;
    }
}
