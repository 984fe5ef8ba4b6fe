using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Commands;

/// <summary>
/// Plumbing shared by the module's cmdlets: Core failures as ErrorRecords, a cancellation token
/// that Ctrl+C (<see cref="StopProcessing"/>) cancels for every call in flight, and the dispatcher
/// through which async Core work reaches the pipeline thread (Write*, ShouldProcess).
/// </summary>
public abstract class PsCredRotateCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private DispatchingRotationHost? _host;
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped; shared by every call in flight.</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>Carries calls from Core's worker threads to this cmdlet's pipeline thread (created on it).</summary>
    protected PipelineDispatcher Dispatcher { get; } = new();

    /// <summary>
    /// The engine's view of this cmdlet: its ShouldProcess, ShouldContinue and streams, reached
    /// through <see cref="Dispatcher"/>; also the operation log of every call made by <see cref="Await{T}"/>.
    /// </summary>
    protected IRotationHost RotationHost => _host ??= new DispatchingRotationHost(
        Dispatcher,
        new RotationHostCallbacks
        {
            ShouldProcess = ShouldProcess,
            ShouldContinue = ConfirmHighImpact,
            Verbose = WriteVerbose,
            Warning = WriteWarning,
            Debug = WriteDebug,
        },
        IsWhatIf);

    /// <summary>True under -WhatIf (given, or inherited through $WhatIfPreference).</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf)
            ? whatIf is SwitchParameter s && s.IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>
    /// The engine's extra question before a step that can break callers (a forced detach of the
    /// last credential, the switch off a secret): a High-impact confirmation. It asks unless the
    /// user waived confirmation for this call, which is how an unattended runbook says yes:
    /// <c>-Confirm:$false</c>, or <c>$ConfirmPreference = 'None'</c> without <c>-Confirm</c>. Never
    /// yes under -WhatIf.
    /// </summary>
    protected bool ConfirmHighImpact(string query, string caption)
    {
        if (IsWhatIf)
        {
            return false;
        }

        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm))
        {
            if (confirm is SwitchParameter c && !c.IsPresent)
            {
                return true;
            }
        }
        else if (GetVariableValue("ConfirmPreference") is ConfirmImpact preference && preference == ConfirmImpact.None)
        {
            return true;
        }

        return ShouldContinue(query, caption);
    }

    /// <summary>
    /// The Connect-* cmdlets' common step: builds a connection, proves it with
    /// <paramref name="connect"/> (a call to the provider), and disposes of it when either fails; a
    /// Core failure ends the cmdlet with its ErrorRecord (<paramref name="target"/> as TargetObject).
    /// </summary>
    protected TConnection OpenConnection<TConnection>(Func<TConnection> create, Func<TConnection, CancellationToken, Task> connect, object? target)
        where TConnection : class, IDisposable
    {
        TConnection? connection = null;
        try
        {
            connection = create();
            TConnection created = connection;
            Await(async ct =>
            {
                await connect(created, ct).ConfigureAwait(false);
                return true;
            });
            return connection;
        }
        catch (PsCredRotateException ex)
        {
            connection?.Dispose();
            ThrowTerminatingError(ErrorRecords.From(ex, target));
            throw; // not reached: ThrowTerminatingError throws
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>True when the named parameter was given on the command line or from the pipeline.</summary>
    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>
    /// Runs async Core work on the pipeline thread's behalf: pumps the work's Write*/ShouldProcess
    /// calls until it finishes, with this cmdlet's stop token and operation log. Core failures
    /// propagate; a stop (Ctrl+C) ends the pipeline.
    /// </summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return Dispatcher.Run(
                async ct =>
                {
                    using (OperationLog.Use(RotationHost))
                    {
                        return await work(ct).ConfigureAwait(false);
                    }
                },
                CancellationToken);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// <see cref="Await{T}"/> for one pipeline item: a Core failure becomes a non-terminating error
    /// (target: the failure's resource, else <paramref name="target"/>) and the result is false.
    /// </summary>
    protected bool TryAwait<T>(Func<CancellationToken, Task<T>> work, object? target, out T result)
    {
        try
        {
            result = Await(work);
            return true;
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ErrorRecords.From(ex, target));
            result = default!;
            return false;
        }
        catch (OperationCanceledException ex) when (!CancellationToken.IsCancellationRequested)
        {
            // Cancelled by something other than Ctrl+C (a timeout the HTTP layer did not name): this item failed.
            WriteError(ErrorRecords.FromAny(ex, target));
            result = default!;
            return false;
        }
    }

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
