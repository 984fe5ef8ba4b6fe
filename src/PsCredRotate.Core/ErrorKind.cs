namespace PsCredRotate.Core;

/// <summary>
/// What kind of failure an error is. The cmdlet layer maps each kind to one PowerShell
/// ErrorCategory, in one place; Core itself knows nothing of PowerShell.
/// </summary>
public enum ErrorKind
{
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    PermissionDenied,
    ObjectNotFound,
    ResourceExists,
    LimitsExceeded,
    ConnectionError,
    NotImplemented,
    SecurityError,
    WriteError,
    ReadError,
    OperationStopped,
}
