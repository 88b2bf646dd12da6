using System.Diagnostics;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>Where a training step's time goes: one part (a layer's forward or backward, the loss, the optimizer, …), the kind of work it belongs to, and its mean milliseconds per step.</summary>
public sealed record ProfilePart(string Category, string Part, double Milliseconds);

/// <summary>
/// Splits the real training step (the Trainer's batch, the network's layers, the loss, backward and the optimizer)
/// into its parts, timing the same code the epoch runs. The forward pass runs layer by layer with a clock read
/// between layers. Backward is one call into autograd; to see inside it, an identity function is put after every
/// layer whose backward notes the moment the gradient reaches that layer's output, so the time from one note to the
/// next is that layer's backward, as autograd really ran it (on the CPU, autograd runs on the calling thread, one
/// node after another). What the parts do not account for of the profiled step's own wall time — the gradients'
/// zeroing, freeing the step's tensors, dispatch between the parts — is "everything else". The clocks and probes
/// make a profiled step a little slower than a plain one; both times are reported. Running layer by layer also
/// undoes one reordering of the plain step (a convolution's ReLU after the max pooling that follows it), so here the
/// ReLU is part of the convolution and the pooling runs on its output.
/// </summary>
public static class StepProfile
{
    public static IReadOnlyList<ProfilePart> Measure(SequentialNet net, Trainer trainer, DeviceDataset train, int steps)
    {
        var device = train.Images.device;
        var spec = net.Spec;
        var parts = new Dictionary<(string Category, string Part), double>();
        void Add((string Category, string Part) part, double ms) => parts[part] = parts.GetValueOrDefault(part) + ms;
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
        var wall = new Stopwatch();
        for (int step = 0; step < steps; step++)
        {
            wall.Start();
            var scope = NewDisposeScope();
            trainer.Optimizer.ZeroGrad();
            clock.Restart();
            var (images, labels) = trainer.Batch(train, order, step);
            Add(("input", "gather and scale the batch"), Lap());
            var arrivals = new long[spec.Layers.Count];
            var x = images;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                x = net.Forward(x, i, i);
                Add(Part(spec.Layers[i], "forward"), Lap());
                if (x.requires_grad) x = BackwardProbe.apply(x, arrivals, i);
                clock.Restart();
            }
            var loss = Trainer.Loss(x, labels);
            Add(("loss", "softmax cross-entropy"), Lap());
            long start = Stopwatch.GetTimestamp();
            loss.backward();
            long end = Stopwatch.GetTimestamp();
            AddBackward(spec, arrivals, start, end, Add);
            clock.Restart();
            trainer.Optimizer.Update();
            Add(("optimizer", trainer.Optimizer.Settings.Name), Lap());
            scope.Dispose();
            wall.Stop();
        }

        string[] sequence = ["input", "forward convolutions", "forward dense layers", "forward other layers", "loss", "backward convolutions", "backward dense layers", "backward other layers", "optimizer"];
        var rows = parts.OrderBy(p => Array.IndexOf(sequence, p.Key.Category))
            .Select(p => new ProfilePart(p.Key.Category, p.Key.Part, p.Value / steps)).ToList();
        rows.Add(new ProfilePart("everything else", "zeroing, freeing the step's tensors, dispatch", wall.Elapsed.TotalMilliseconds / steps - rows.Sum(r => r.Milliseconds)));
        return rows;
    }

    /// <summary>Each layer's share of one backward call, from the moments its output's gradient arrived (0: never, for layers before any weight).</summary>
    private static void AddBackward(ModelSpec spec, long[] arrivals, long start, long end, Action<(string, string), double> add)
    {
        static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
        int last = spec.Layers.Count - 1;
        add(("loss", "its backward"), Milliseconds(start, arrivals[last] > 0 ? arrivals[last] : end));
        for (int i = last; i >= 0; i--)
        {
            if (arrivals[i] == 0) continue;
            // The layer's backward runs from its output's gradient to its input's (the previous layer's output), or to the end.
            int previous = i - 1;
            while (previous >= 0 && arrivals[previous] == 0) previous--;
            add(Part(spec.Layers[i], "backward"), Milliseconds(arrivals[i], previous >= 0 ? arrivals[previous] : end));
        }
    }

    private static (string Category, string Part) Part(Layer layer, string pass) => (layer switch
    {
        Conv2D => $"{pass} convolutions",
        Dense => $"{pass} dense layers",
        _ => $"{pass} other layers",
    }, $"{layer.Name} ({layer.KerasClass})");

    /// <summary>The identity, whose backward notes when the gradient arrived and passes it on unchanged.</summary>
    private sealed class BackwardProbe : autograd.SingleTensorFunction<BackwardProbe>
    {
        public override string Name => nameof(BackwardProbe);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("arrivals", vars[1]);
            ctx.save_data("index", vars[2]);
            var input = (Tensor)vars[0];
            return input.view(input.shape);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            ((long[])ctx.get_data("arrivals"))[(int)ctx.get_data("index")] = Stopwatch.GetTimestamp();
            return [grad_output, null!, null!];
        }
    }
}
