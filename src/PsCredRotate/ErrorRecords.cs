using System;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Http;

namespace PsCredRotate;

/// <summary>
/// The one place where a Core failure becomes a PowerShell ErrorRecord: the ErrorId is the
/// exception's (public API; FullyQualifiedErrorId is "ErrorId,CmdletType"), the category comes from
/// the HTTP status of an <see cref="ApiException"/> or else from its <see cref="ErrorKind"/>, the
/// target is the resource it names, and the exception is kept.
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(PsCredRotateException exception) => From(exception, null);

    /// <summary>
    /// The record for <paramref name="exception"/>; when the exception names no resource,
    /// <paramref name="fallbackTarget"/> (the client or credential the cmdlet was working on) is the target.
    /// </summary>
    public static ErrorRecord From(PsCredRotateException exception, object? fallbackTarget)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return new ErrorRecord(exception, exception.ErrorId, CategoryOf(exception), exception.Target ?? fallbackTarget);
    }

    /// <summary>
    /// Any failure of one item of a bulk run: a Core failure as <see cref="From(PsCredRotateException, object?)"/>,
    /// anything else (a bug, a failure of the user's -Deploy script) under <see cref="ErrorIds.Unexpected"/>
    /// with the exception kept.
    /// </summary>
    public static ErrorRecord FromAny(Exception exception, object? target)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        if (exception is PsCredRotateException known)
        {
            return From(known, target);
        }

        if (exception is RuntimeException runtime && runtime.ErrorRecord is not null)
        {
            return new ErrorRecord(runtime.ErrorRecord, runtime);
        }

        return new ErrorRecord(exception, ErrorIds.Unexpected, ErrorCategory.NotSpecified, target);
    }

    /// <summary>
    /// The category of a Core failure. An API outcome is categorised by its HTTP status, mapped once
    /// here: 400 InvalidArgument, 401/403 PermissionDenied, 404 ObjectNotFound, 409 ResourceExists,
    /// 429 LimitsExceeded, 5xx and no response at all ConnectionError; other statuses and every other
    /// failure by its <see cref="ErrorKind"/>.
    /// </summary>
    public static ErrorCategory CategoryOf(PsCredRotateException exception)
    {
        if (exception is ApiException api)
        {
            ErrorCategory? byStatus = CategoryOfStatus(api.StatusCode);
            if (byStatus is { } category)
            {
                return category;
            }
        }

        return CategoryOf(exception.Kind);
    }

    /// <summary>The HTTP status part of the mapping; null for a status it does not name.</summary>
    public static ErrorCategory? CategoryOfStatus(int? statusCode) => statusCode switch
    {
        null => ErrorCategory.ConnectionError,
        400 => ErrorCategory.InvalidArgument,
        401 or 403 => ErrorCategory.PermissionDenied,
        404 => ErrorCategory.ObjectNotFound,
        409 => ErrorCategory.ResourceExists,
        429 => ErrorCategory.LimitsExceeded,
        >= 500 and <= 599 => ErrorCategory.ConnectionError,
        _ => null,
    };

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
