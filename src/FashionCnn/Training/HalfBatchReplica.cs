using System.Runtime.ExceptionServices;
using FashionCnn.Model;
using FashionCnn.Model.Layers;
using FashionCnn.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionCnn.Training;

/// <summary>
/// A training step computed as two halves of the batch at once, each on a thread of its own with half of libtorch's threads,
/// instead of the whole batch with all of them: libtorch's threads synchronise inside every small kernel of a batch of 32,
/// two halves only twice a step. A second network, whose parameters are views of the same storage as the network's,
/// computes the second half; its backward writes a gradient buffer of its own. Each half's loss is its mean weighted by its
/// share of the batch, so the two gradients sum to the gradient of the batch's mean loss; after both backward passes each
/// thread adds them over its half of the parameters and applies the optimizer there (every rule treats each number on its
/// own). The update is the whole batch's up to the order of summation. Measured with bench on the book's CNN (2 cores,
/// alternating windows in one process): 1.20× the samples/s of the whole batch on two threads in float32, 1.00× in
/// mixed_bfloat16 and 0.75–0.92× for the chapter-7 dense models, so it is used where it pays (<see cref="Suits"/>).
/// </summary>
internal sealed class HalfBatchReplica : IDisposable
{
    private readonly SequentialNet _net, _replica;
    private readonly KerasOptimizer _optimizer;
    private readonly Tensor _gradient;
    private readonly int _threads;
    private readonly Barrier _backwardDone = new(2);

    // The replica's half of the current step, and what it gives back; handed over through the semaphores and the barrier.
    private Tensor? _images, _labels, _loss, _correct;
    private double _share;
    private Exception? _replicaFailure;
    private bool _netFailed;

    /// <summary>
    /// Two half-batches pay on the CPU, in float32, with at least two threads, for a model with a convolution; a model with
    /// BatchNormalization would normalise each half by its own statistics, which is another computation, so it never splits.
    /// </summary>
    public static bool Suits(SequentialNet net, int threads) =>
        threads >= 2 && net.Precision == Precision.Float32 && net.parameters().First().device.type == DeviceType.CPU
        && net.Spec.Layers.Any(l => l is Conv2D) && !net.Spec.Layers.Any(l => l is BatchNormalization);

    /// <param name="threads">libtorch threads for each half (threads are set per thread of the process).</param>
    public HalfBatchReplica(SequentialNet net, KerasOptimizer optimizer, int threads)
    {
        _net = net;
        _optimizer = optimizer;
        _threads = threads;
        _replica = new SequentialNet(net.Spec) { Precision = net.Precision };
        var parameters = net.parameters().ToArray();
        var copies = _replica.parameters().ToArray();
        _gradient = zeros_like(optimizer.GradientBuffer);
        using (no_grad())
        {
            long offset = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                // The same layout as the optimizer's flat buffers: parameter i is the slice at the same offset in both.
                copies[i].set_(parameters[i].detach());
                copies[i].grad = _gradient.narrow(0, offset, parameters[i].numel()).view(parameters[i].shape);
                offset += parameters[i].numel();
            }
        }
    }

    /// <summary>libtorch threads each half computes with; the calling thread is set to it for the epoch (<see cref="Trainer"/>).</summary>
    public int Threads => _threads;

    /// <summary>Where the second half's dropout and augmentation draw (the first half's come from the network's own generator).</summary>
    public Generator? TrainingGenerator { set => _replica.TrainingGenerator = value; }

    /// <summary>One update from a batch of at least two images: the batch's mean loss (detached) and its correct predictions.</summary>
    public (Tensor Loss, Tensor Correct) Step(Tensor images, Tensor labels)
    {
        long count = images.shape[0], half = count / 2;
        _images = images.narrow(0, half, count - half);
        _labels = labels.narrow(0, half, count - half);
        _share = (count - half) / (double)count;
        _optimizer.ZeroGrad();
        _optimizer.BeginUpdate();
        SecondThread.Start(SecondHalf);
        Tensor? loss = null, correct = null;
        Exception? failure = null;
        try { (loss, correct) = Trainer.Backward(_net, images.narrow(0, 0, half), labels.narrow(0, 0, half), half / (double)count); }
        catch (Exception e) { failure = e; }
        _netFailed = failure is not null;
        _backwardDone.SignalAndWait();
        try
        {
            if (failure is null && _replicaFailure is null) UpdatePart(0);
        }
        finally
        {
            SecondThread.Wait();
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        if (_replicaFailure is { } replicaFailure)
        {
            _replicaFailure = null;
            throw new InvalidOperationException("The second half of the batch failed.", replicaFailure);
        }
        return (loss!.add(_loss!), correct!.add(_correct!));
    }

    private void DisposeResults()
    {
        _loss?.Dispose();
        _correct?.Dispose();
        (_loss, _correct) = (null, null);
    }

    /// <summary>The second thread's part of a step: its half's forward and backward, then its part of the update.</summary>
    private void SecondHalf()
    {
        if (torch.get_num_threads() != _threads) torch.set_num_threads(_threads);
        if (!_replica.training) _replica.train();
        try
        {
            // The last step's results are freed on this thread, where they were made: libtorch's tensors are counted per thread.
            DisposeResults();
            using var scope = NewDisposeScope();
            _gradient.zero_();
            var (loss, correct) = Trainer.Backward(_replica, _images!, _labels!, _share);
            (_loss, _correct) = (loss.DetachFromDisposeScope(), correct.DetachFromDisposeScope());
        }
        catch (Exception e)
        {
            _replicaFailure = e;
        }
        _backwardDone.SignalAndWait();
        try
        {
            if (_replicaFailure is null && !_netFailed) UpdatePart(1);
        }
        catch (Exception e)
        {
            _replicaFailure = e;
        }
    }

    /// <summary>Part <paramref name="index"/> of the two: the replica's gradient added to the network's there, then the optimizer's update there.</summary>
    private void UpdatePart(int index)
    {
        using (NewDisposeScope())
        {
            var range = FlatRange.Part(_gradient.numel(), index, 2);
            range.Of(_optimizer.GradientBuffer).add_(range.Of(_gradient));
        }
        _optimizer.UpdatePart(index, 2);
    }

    public void Dispose()
    {
        SecondThread.Start(DisposeResults);
        SecondThread.Wait();
        _replica.Dispose();
        _gradient.Dispose();
        _backwardDone.Dispose();
    }

    /// <summary>
    /// The one thread of the process that computes second halves, for every trainer in turn (steps never overlap). It runs
    /// for as long as the process: when each trainer started and ended a thread of its own, the process crashed at exit
    /// in 1 of 4 to 6 runs (SIGSEGV after the last line was written, never with --whole-batches), the trace of a thread
    /// that had run libtorch's kernels and ended before it.
    /// </summary>
    private static class SecondThread
    {
        private static readonly SemaphoreSlim Started = new(0), Finished = new(0);
        private static readonly Lazy<Thread> Thread = new(() =>
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "second half-batch" };
            thread.Start();
            return thread;
        });
        private static Action? _work;

        /// <summary>Runs <paramref name="work"/> on the thread; it must catch its own exceptions. <see cref="Wait"/> waits for it.</summary>
        public static void Start(Action work)
        {
            _work = work;
            _ = Thread.Value;
            Started.Release();
        }

        public static void Wait() => Finished.Wait();

        private static void Loop()
        {
            while (true)
            {
                Started.Wait();
                try { _work!(); }
                finally { Finished.Release(); }
            }
        }
    }
}
