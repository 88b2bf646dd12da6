namespace FashionCnn;

/// <summary>
/// Work that could not be finished for a reason outside the user's input — training that diverged, a
/// download that failed after its retries. The message is one sentence; the command line prints it alone
/// and exits with code 1.
/// </summary>
public class RuntimeFailureException(string message, Exception? inner = null) : Exception(message, inner);
