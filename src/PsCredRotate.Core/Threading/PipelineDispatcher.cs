using System;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Threading;

/// <summary>
/// Lets async work on worker threads talk to a PowerShell cmdlet, whose Write*/ShouldProcess calls
/// must happen on the pipeline thread. The pipeline thread calls <see cref="Run{T}"/> with the
/// work; while it waits it runs what workers <see cref="Post"/> (fire and forget: verbose, progress)
/// or <see cref="Invoke{T}"/> (and wait for the answer: ShouldProcess). Called on the pipeline thread
/// itself, Post and Invoke run inline.
/// </summary>
public sealed class PipelineDispatcher
{
    /// <summary>Queues <paramref name="action"/> to run on the pipeline thread.</summary>
    public void Post(Action action) => throw new NotImplementedException();

    /// <summary>Runs <paramref name="func"/> on the pipeline thread and returns its result (inline when already there).</summary>
    public T Invoke<T>(Func<T> func) => throw new NotImplementedException();

    /// <summary>
    /// On the pipeline thread: starts <paramref name="work"/> and pumps posted actions until it
    /// completes; returns its result or rethrows its exception (unwrapped). Cancellation of
    /// <paramref name="cancellationToken"/> is passed to the work, which must honour it.
    /// </summary>
    public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}

/// <summary>
/// Runs one async operation per item with at most N at a time (the -ThrottleLimit of bulk
/// rotations), reporting each outcome as it finishes, in completion order.
/// </summary>
public static class BoundedParallel
{
    public static Task RunAsync<TItem, TResult>(
        System.Collections.Generic.IReadOnlyList<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        Action<TItem, TResult> onSuccess,
        Action<TItem, Exception> onFailure,
        CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
