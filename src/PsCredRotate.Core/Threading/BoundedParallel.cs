using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Threading;

/// <summary>
/// Runs one async operation per item with at most N at a time (the -ThrottleLimit of bulk
/// rotations), reporting each outcome as it finishes, in completion order.
/// </summary>
/// <remarks>
/// Operations start on thread-pool threads (never on the caller's), in item order, each with the
/// shared token. The callbacks are called one at a time, never concurrently, in the order the
/// operations finished; a caller on a PowerShell pipeline passes callbacks that go through its
/// <see cref="PipelineDispatcher"/>. When <paramref name="cancellationToken"/> is cancelled no new
/// operation starts, the running ones are awaited (their cancellations are not reported as
/// failures) and the task ends cancelled. A callback that throws stops the run the same way and its
/// exception is the task's.
/// </remarks>
public static class BoundedParallel
{
    public static async Task RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        Action<TItem, TResult> onSuccess,
        Action<TItem, Exception> onFailure,
        CancellationToken cancellationToken)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (operation is null)
        {
            throw new ArgumentNullException(nameof(operation));
        }

        if (onSuccess is null)
        {
            throw new ArgumentNullException(nameof(onSuccess));
        }

        if (onFailure is null)
        {
            throw new ArgumentNullException(nameof(onFailure));
        }

        if (throttleLimit < 1)
        {
            throw new PsCredRotateException(
                ErrorIds.ThrottleLimitInvalid,
                ErrorKind.InvalidArgument,
                $"The throttle limit must be at least 1; it was {throttleLimit}.",
                throttleLimit);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<Outcome<TItem, TResult>>>(Math.Min(throttleLimit, items.Count));
        Exception? callbackFailure = null;
        int next = 0;
        while (true)
        {
            while (running.Count < throttleLimit && next < items.Count && !stop.IsCancellationRequested)
            {
                running.Add(RunOneAsync(items[next++], operation, stop.Token));
            }

            if (running.Count == 0)
            {
                break;
            }

            Task<Outcome<TItem, TResult>> finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            Outcome<TItem, TResult> outcome = finished.Result;
            if (callbackFailure is not null)
            {
                continue;
            }

            if (outcome.Failure is OperationCanceledException && stop.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                if (outcome.Failure is null)
                {
                    onSuccess(outcome.Item, outcome.Result!);
                }
                else
                {
                    onFailure(outcome.Item, outcome.Failure);
                }
            }
#pragma warning disable CA1031 // Kept and rethrown once the running operations have finished.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                callbackFailure = ex;
                stop.Cancel();
            }
        }

        if (callbackFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(callbackFailure).Throw();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task<Outcome<TItem, TResult>> RunOneAsync<TItem, TResult>(
        TItem item,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken)
    {
        try
        {
            TResult result = await Task.Run(() => operation(item, cancellationToken), CancellationToken.None).ConfigureAwait(false);
            return new Outcome<TItem, TResult>(item, result, null);
        }
#pragma warning disable CA1031 // Every failure is the item's outcome, reported through onFailure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Outcome<TItem, TResult>(item, default, ex);
        }
    }

    private readonly struct Outcome<TItem, TResult>
    {
        public Outcome(TItem item, TResult? result, Exception? failure)
        {
            Item = item;
            Result = result;
            Failure = failure;
        }

        public TItem Item { get; }

        public TResult? Result { get; }

        public Exception? Failure { get; }
    }
}
