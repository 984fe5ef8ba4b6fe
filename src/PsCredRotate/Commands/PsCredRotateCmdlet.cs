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
