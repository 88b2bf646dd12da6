namespace FashionCnn.Cli;

/// <summary>Process exit codes: 0 success, 1 a runtime failure, 2 input the user can correct, 130 or 143 interrupted.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;

    /// <summary>After Ctrl+C, as a shell reports a process ended by SIGINT (128 + 2).</summary>
    public const int Interrupted = 130;

    /// <summary>After SIGTERM, as a shell reports a process ended by it (128 + 15).</summary>
    public const int Terminated = 143;
}
