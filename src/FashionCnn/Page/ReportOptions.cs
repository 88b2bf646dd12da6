using FashionCnn.Compute;
namespace FashionCnn.Page;

/// <summary>What <c>fashioncnn report</c> (and <c>train</c> at the end of a run) is asked to write.</summary>
public sealed record ReportOptions
{
    /// <summary>Any model file the loader reads; its folder's run record and history are used when it is that folder's checkpoint.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Or a folder <c>train</c> wrote (its checkpoint, history and run record); <see cref="DefaultModelDir"/> when neither is given.</summary>
    public string? ModelDir { get; init; }

    public const string DefaultModelDir = "models";

    /// <summary>The architecture of a weights-only model file.</summary>
    public string? Architecture { get; init; }

    /// <summary>The data set to evaluate and draw from: the run's own (--data, --data-dir and how its images are made).</summary>
    public Data.DataOptions Data { get; init; } = new();

    /// <summary>The HTML file; null for <see cref="FileName"/> in the model's folder.</summary>
    public string? Output { get; init; }

    public const string FileName = "report.html";

    /// <summary>The device, threads and dtype policy.</summary>
    public ComputeOptions Compute { get; init; } = new();

    /// <summary>
    /// How the run ended, when the caller knows more than the run record says: <c>train</c> gives the sentence of the
    /// failure (a divergence) that stopped it before it could record an end.
    /// </summary>
    public string? Failure { get; init; }
}

/// <summary>The page written: where, how many bytes, and how long it took.</summary>
public sealed record ReportResult(string Path, long Bytes, double Seconds);
