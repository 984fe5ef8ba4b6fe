using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
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
/// <remarks>
/// The pipeline thread is the thread that created the dispatcher (a cmdlet creates it on its
/// pipeline thread), and the thread inside <see cref="Run{T}"/> while it runs. Queued actions run
/// first in, first out. Run keeps pumping after cancellation until the work has really finished,
/// so a worker blocked in <see cref="Invoke{T}"/> is always answered; an Invoke from a worker while
/// no Run is pumping would wait forever, so it throws <see cref="InvalidOperationException"/>
/// instead. A Post from a worker while no Run is pumping waits in the queue for the next Run.
/// </remarks>
public sealed class PipelineDispatcher
{
    private readonly object _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private int _pipelineThreadId = Environment.CurrentManagedThreadId;
    private int _pumpDepth;

    /// <summary>True on the pipeline thread.</summary>
    public bool IsPipelineThread => Environment.CurrentManagedThreadId == Volatile.Read(ref _pipelineThreadId);

    /// <summary>Queues <paramref name="action"/> to run on the pipeline thread.</summary>
    public void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        if (IsPipelineThread)
        {
            action();
            return;
        }

        lock (_gate)
        {
            _queue.Enqueue(new WorkItem(action, null));
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs <paramref name="func"/> on the pipeline thread and returns its result (inline when already there).</summary>
    public T Invoke<T>(Func<T> func)
    {
        if (func is null)
        {
            throw new ArgumentNullException(nameof(func));
        }

        if (IsPipelineThread)
        {
            return func();
        }

        T result = default!;
        using var done = new ManualResetEventSlim(false);
        var item = new WorkItem(() => result = func(), done);
        lock (_gate)
        {
            if (_pumpDepth == 0)
            {
                throw new InvalidOperationException("PipelineDispatcher.Invoke was called from a worker thread while the pipeline thread is not inside Run, so nothing could answer it.");
            }

            _queue.Enqueue(item);
            Monitor.PulseAll(_gate);
        }

        done.Wait();
        item.Failure?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="action"/> on the pipeline thread and waits for it (inline when already there).</summary>
    public void Invoke(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        Invoke(() =>
        {
            action();
            return true;
        });
    }

    /// <summary>
    /// On the pipeline thread: starts <paramref name="work"/> and pumps posted actions until it
    /// completes; returns its result or rethrows its exception (unwrapped). Cancellation of
    /// <paramref name="cancellationToken"/> is passed to the work, which must honour it.
    /// </summary>
    /// <remarks>
    /// A posted action that throws (for example a Write call while the pipeline is stopping)
    /// cancels the token the work was given; Run keeps pumping until the work has finished and then
    /// throws the posted action's exception.
    /// </remarks>
    public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        int previousThread = Volatile.Read(ref _pipelineThreadId);
        lock (_gate)
        {
            _pumpDepth++;
        }

        Volatile.Write(ref _pipelineThreadId, Environment.CurrentManagedThreadId);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? postedFailure = null;
        bool exited = false;
        try
        {
            Task<T> task;
            try
            {
                task = work(linked.Token) ?? throw new InvalidOperationException("The work returned no task.");
            }
            catch (Exception ex)
            {
                task = FromException<T>(ex);
            }

            task.ContinueWith(
                static (_, state) =>
                {
                    object gate = state!;
                    lock (gate)
                    {
                        Monitor.PulseAll(gate);
                    }
                },
                _gate,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            while (true)
            {
                WorkItem next;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !task.IsCompleted)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_queue.Count == 0)
                    {
                        // The work is done and nothing waits: from here a worker's Invoke fails fast.
                        _pumpDepth--;
                        exited = true;
                        break;
                    }

                    next = _queue.Dequeue();
                }

                if (!next.Execute() && next.Done is null && postedFailure is null)
                {
                    postedFailure = next.Failure;
                    linked.Cancel();
                }
            }

            postedFailure?.Throw();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            if (!exited)
            {
                lock (_gate)
                {
                    _pumpDepth--;
                }
            }

            Volatile.Write(ref _pipelineThreadId, previousThread);
        }
    }

    private static Task<T> FromException<T>(Exception ex)
    {
        // Faulted, not cancelled, even for an OperationCanceledException: GetResult then rethrows
        // the very exception the work threw.
        var source = new TaskCompletionSource<T>();
        source.SetException(ex);
        return source.Task;
    }

    private sealed class WorkItem
    {
        private readonly Action _action;

        public WorkItem(Action action, ManualResetEventSlim? done)
        {
            _action = action;
            Done = done;
        }

        /// <summary>Set for an Invoke (a worker waits on it); null for a Post.</summary>
        public ManualResetEventSlim? Done { get; }

        public ExceptionDispatchInfo? Failure { get; private set; }

        /// <summary>Runs the action; false when it threw (the exception is in <see cref="Failure"/>).</summary>
        public bool Execute()
        {
            try
            {
                _action();
                return true;
            }
#pragma warning disable CA1031 // The failure belongs to whoever queued the action: it is handed back, not swallowed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failure = ExceptionDispatchInfo.Capture(ex);
                return false;
            }
            finally
            {
                Done?.Set();
            }
        }
    }
}
