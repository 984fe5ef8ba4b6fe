using System;
using System.Management.Automation;
using System.Threading;
using PsCredRotate.Core;

namespace PsCredRotate.Commands;

/// <summary>
/// Plumbing shared by the module's cmdlets: Core failures as ErrorRecords, and a cancellation token
/// that Ctrl+C (<see cref="StopProcessing"/>) cancels, for every call that can wait on the network.
/// </summary>
public abstract class PsCredRotateCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>True when the named parameter was given on the command line or from the pipeline.</summary>
    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>
    /// The file system path a -Path argument names (relative to the current location, '~' and PS
    /// drives resolved, taken literally). A path on another provider (Registry, Cert, ...) is an
    /// error with <paramref name="errorId"/>.
    /// </summary>
    protected string ResolveFileSystemPath(string path, string errorId)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw new PsCredRotateException(errorId, ErrorKind.InvalidArgument, $"'{path}' is not a file system path (provider {provider.Name}).", path);
        }

        return resolved;
    }

    /// <summary>A non-terminating error for one pipeline item; processing continues with the next.</summary>
    protected void WriteError(PsCredRotateException exception) => WriteError(ErrorRecords.From(exception));

    /// <summary>A terminating error: the command stops.</summary>
    protected void ThrowTerminatingError(PsCredRotateException exception) => ThrowTerminatingError(ErrorRecords.From(exception));

    protected override void StopProcessing()
    {
        if (!_disposed)
        {
            _stopping.Cancel();
        }

        base.StopProcessing();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            _stopping.Dispose();
        }

        _disposed = true;
    }
}
