using System;

namespace PsCredRotate.Core;

/// <summary>
/// The one exception type Core throws for a condition a user can act on. <see cref="ErrorId"/>
/// is public API (one stable PascalCase id per condition, see <see cref="ErrorIds"/>); the message
/// says what went wrong and what to do, and never contains key material, secrets or tokens.
/// </summary>
public class PsCredRotateException : Exception
{
    public PsCredRotateException(string errorId, ErrorKind kind, string message, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
        Kind = kind;
        Target = target;
    }

    public PsCredRotateException()
        : this(ErrorIds.Unexpected, ErrorKind.InvalidOperation, "An unexpected error occurred.")
    {
    }

    public PsCredRotateException(string message)
        : this(ErrorIds.Unexpected, ErrorKind.InvalidOperation, message)
    {
    }

    public PsCredRotateException(string message, Exception innerException)
        : this(ErrorIds.Unexpected, ErrorKind.InvalidOperation, message, null, innerException)
    {
    }

    /// <summary>Stable identifier of the condition, for example <c>RsaKeyTooSmall</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure, mapped to an ErrorCategory by the cmdlet layer.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The resource the error is about (a path, a kid, a client id), never a secret.</summary>
    public object? Target { get; }
}
