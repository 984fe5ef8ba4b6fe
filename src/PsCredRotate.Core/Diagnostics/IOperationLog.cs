namespace PsCredRotate.Core.Diagnostics;

/// <summary>
/// Where Core tells what it is doing: the cmdlet layer writes these to the Verbose, Debug and
/// Warning streams (from the pipeline thread, see <see cref="Threading.PipelineDispatcher"/>); tests
/// capture them. Callers must pass text that holds no private key, secret or token: request logging
/// goes through <see cref="Http.Redaction"/> first. Implementations must be thread-safe.
/// </summary>
public interface IOperationLog
{
    /// <summary>One line per API call and per decision (method, path, status, rate-limit remaining).</summary>
    void Verbose(string message);

    /// <summary>Detail for troubleshooting (headers and bodies, redacted).</summary>
    void Debug(string message);

    /// <summary>Something the user should know but that does not stop the command.</summary>
    void Warning(string message);
}

/// <summary>A log that drops everything.</summary>
public sealed class NullOperationLog : IOperationLog
{
    public static readonly NullOperationLog Instance = new();

    private NullOperationLog()
    {
    }

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
