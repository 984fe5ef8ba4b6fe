using System;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Threading;

/// <summary>
/// The <see cref="IRotationHost"/> a cmdlet gives the engine: every call, from whatever thread the
/// engine is on, is carried to the pipeline thread by a <see cref="PipelineDispatcher"/>.
/// ShouldProcess and ShouldContinue wait for the answer; Verbose, Warning and Debug do not.
/// </summary>
/// <remarks>
/// The extra confirmation (<see cref="ShouldContinue"/>, asked before a step that can break
/// callers: detaching the last credential with -Force, switching a client off its secret) is
/// answered no under -WhatIf without asking; otherwise the user is always asked, as PowerShell's
/// ShouldContinue does: neither -Force nor -Confirm:$false skips it.
/// </remarks>
public sealed class DispatchingRotationHost : IRotationHost
{
    private readonly PipelineDispatcher _dispatcher;
    private readonly RotationHostCallbacks _callbacks;

    public DispatchingRotationHost(PipelineDispatcher dispatcher, RotationHostCallbacks callbacks, bool whatIf)
    {
        _dispatcher = dispatcher ?? throw new ArgumentNullException(nameof(dispatcher));
        _callbacks = callbacks ?? throw new ArgumentNullException(nameof(callbacks));
        WhatIf = whatIf;
    }

    public bool WhatIf { get; }

    public bool ShouldProcess(string target, string action) =>
        _dispatcher.Invoke(() => _callbacks.ShouldProcess(target, action));

    public bool ShouldContinue(string query, string caption)
    {
        if (WhatIf)
        {
            return false;
        }

        return _dispatcher.Invoke(() => _callbacks.ShouldContinue(query, caption));
    }

    public void Verbose(string message) => _dispatcher.Post(() => _callbacks.Verbose(message));

    public void Warning(string message) => _dispatcher.Post(() => _callbacks.Warning(message));

    public void Debug(string message) => _dispatcher.Post(() => _callbacks.Debug(message));
}
