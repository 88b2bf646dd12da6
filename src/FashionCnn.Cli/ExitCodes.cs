namespace FashionCnn.Cli;

/// <summary>Process exit codes: 0 success, 1 a runtime failure, 2 input the user can correct.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;
}
