using System.Runtime.InteropServices;
using FashionCnn.Training;

namespace FashionCnn.Cli.Commands;

/// <summary>
/// Ctrl+C and SIGTERM during <c>train</c>, so that an interrupt at any moment ends in exit code 130 (143 for SIGTERM,
/// as a shell reports a process those signals ended) and a run record that says <c>"interrupted": true</c>. While the run works, a signal cancels it: it stops after the current step,
/// keeps the best checkpoint and records itself as interrupted. Once the run has written its record (the summary is
/// printing, the process is exiting), the files are complete, so a signal marks the record interrupted instead; and
/// once the exit code is decided, the signal's own default action ends the process, which a shell reports the same way.
/// The handlers stay registered until the process ends: removing them would open a moment where a signal kills the
/// process without a word in the record.
/// </summary>
internal sealed class TrainingInterruption
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _gate = new();
    private readonly PosixSignalRegistration _interrupt, _terminate;
    private TrainingFiles? _recorded;
    private bool _recordMarked, _exiting;
    private PosixSignal? _first;

    public TrainingInterruption()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether Ctrl+C or SIGTERM has come so far.</summary>
    public bool Signalled
    {
        get { lock (_gate) return _first is not null; }
    }

    /// <summary>The run has written its record: from now on an interrupt is noted in that record.</summary>
    public void RunRecorded(TrainingResult result)
    {
        lock (_gate)
        {
            _recorded = result.Files;
            _recordMarked = result.Interrupted;
            MarkRecordIfInterrupted();
        }
    }

    /// <summary>The exit code: 130 or 143 when a signal came at any moment so far; after this, a signal ends the process itself.</summary>
    public int ExitCode()
    {
        lock (_gate)
        {
            _exiting = true;
            return _first switch
            {
                null => ExitCodes.Success,
                PosixSignal.SIGTERM => ExitCodes.Terminated,
                _ => ExitCodes.Interrupted,
            };
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        lock (_gate)
        {
            _first ??= context.Signal;
            _cancellation.Cancel();
            MarkRecordIfInterrupted();
            context.Cancel = !_exiting;
        }
    }

    private void MarkRecordIfInterrupted()
    {
        if (_recorded is null || _recordMarked || !_cancellation.IsCancellationRequested) return;
        _recordMarked = true;
        if (TrainingRun.RecordInterruption(_recorded) is { } reason)
            Console.Error.WriteLine($"fashioncnn: run.json could not be marked interrupted ({reason}).");
    }

    /// <summary>Keeps the registrations alive for the life of the process (see the class comment).</summary>
    public static TrainingInterruption? Current { get; private set; }

    public static TrainingInterruption Register() => Current ??= new TrainingInterruption();
}
