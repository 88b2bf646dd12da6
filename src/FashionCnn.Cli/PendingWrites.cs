using System.Runtime.InteropServices;
using FashionCnn.Files;

namespace FashionCnn.Cli;

/// <summary>
/// Ctrl+C or SIGTERM ends most verbs at once, running no <c>finally</c>: the temporary file of a write in progress is
/// deleted first, and the signal then ends the process as usual (130, 143). <c>train</c> has its own handling: it stops
/// after the current step and finishes its writes, so its temporary files must not vanish under it.
/// </summary>
internal static class PendingWrites
{
    private static readonly List<PosixSignalRegistration> Registrations = [];

    public static void DeleteOnSignal()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            Registrations.Add(PosixSignalRegistration.Create(signal, _ => AtomicFile.DeletePending()));
    }

    /// <summary>One line on stderr when a replace left a file's other hard links with the old content.</summary>
    public static void ReportBrokenHardLinks() =>
        AtomicFile.HardLinkBroken += (path, names) => Console.Error.WriteLine(
            $"fashioncnn: note: {path} had {names} names (hard links); the new file has this name only, the other {names - 1} keep the old content.");
}
