namespace FashionCnn;

/// <summary>
/// A problem the user can fix: a missing or malformed file, a bad option value, an unknown layer.
/// The message is one sentence for the user; the command line prints it alone, without a stack trace,
/// and exits with code 2.
/// </summary>
public class FashionCnnException(string message, Exception? inner = null) : Exception(message, inner);
