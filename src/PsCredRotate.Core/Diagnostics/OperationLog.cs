using System;
using System.Threading;

namespace PsCredRotate.Core.Diagnostics;

/// <summary>
/// The log of the operation in progress, carried with the async flow: a cmdlet sets it for the
/// duration of its work (<see cref="Use"/>) and every API call made on its behalf, on any thread,
/// writes there. Without a scope, messages are dropped.
/// </summary>
public static class OperationLog
{
    private static readonly AsyncLocal<IOperationLog?> CurrentLog = new();

    public static IOperationLog Current => CurrentLog.Value ?? NullOperationLog.Instance;

    /// <summary>Makes <paramref name="log"/> current until the result is disposed.</summary>
    public static IDisposable Use(IOperationLog log)
    {
        IOperationLog? previous = CurrentLog.Value;
        CurrentLog.Value = log ?? throw new ArgumentNullException(nameof(log));
        return new Scope(previous);
    }

    private sealed class Scope : IDisposable
    {
        private readonly IOperationLog? _previous;
        private bool _disposed;

        public Scope(IOperationLog? previous) => _previous = previous;

        public void Dispose()
        {
            if (!_disposed)
            {
                CurrentLog.Value = _previous;
                _disposed = true;
            }
        }
    }
}
