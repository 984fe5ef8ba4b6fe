using System;
using System.Management.Automation;
using PsCredRotate.Core;

namespace PsCredRotate;

/// <summary>
/// The one place where a Core failure becomes a PowerShell ErrorRecord: the ErrorId is the
/// exception's (public API; FullyQualifiedErrorId is "ErrorId,CmdletType"), the category comes from
/// its <see cref="ErrorKind"/>, the target is the resource it names, and the exception is kept.
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(PsCredRotateException exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return new ErrorRecord(exception, exception.ErrorId, CategoryOf(exception.Kind), exception.Target);
    }

    /// <summary>The single mapping from Core's error kinds to PowerShell's error categories.</summary>
    public static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        ErrorKind.SecurityError => ErrorCategory.SecurityError,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ReadError => ErrorCategory.ReadError,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}
