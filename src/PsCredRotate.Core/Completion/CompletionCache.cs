using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Completion;

/// <summary>
/// What tab completion read from a server, kept per connection for a short time so that pressing
/// Tab again does not call the API again. Loading never throws: a failed, cancelled or slow load
/// completes nothing, and is kept for a shorter time so a broken tenant does not stall every Tab.
/// Entries live as long as their connection object (a weak table), so a dropped connection takes
/// its entries with it.
/// </summary>
public sealed class CompletionCache
{
    /// <summary>How long a successful read is reused.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    /// <summary>How long a failed read answers "nothing" before it is tried again.</summary>
    public static readonly TimeSpan DefaultFailureLifetime = TimeSpan.FromSeconds(10);

    /// <summary>How long a read may take before completion gives up (the user is waiting at the prompt).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly ConditionalWeakTable<object, Dictionary<string, Entry>> _entries = new();
    private readonly Func<DateTimeOffset> _clock;

    public CompletionCache()
        : this(() => DateTimeOffset.UtcNow, DefaultLifetime, DefaultFailureLifetime, DefaultTimeout)
    {
    }

    public CompletionCache(Func<DateTimeOffset> clock, TimeSpan lifetime, TimeSpan failureLifetime, TimeSpan timeout)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        if (lifetime < TimeSpan.Zero || failureLifetime < TimeSpan.Zero || timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "Lifetimes cannot be negative and the timeout must be positive.");
        }

        Lifetime = lifetime;
        FailureLifetime = failureLifetime;
        Timeout = timeout;
    }

    /// <summary>The process-wide cache the argument completers use.</summary>
    public static CompletionCache Shared { get; } = new();

    public TimeSpan Lifetime { get; }

    public TimeSpan FailureLifetime { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// The candidates of <paramref name="kind"/> (e.g. "clients") for <paramref name="owner"/> (a
    /// connection): the kept ones while they are fresh, else what <paramref name="load"/> returns
    /// (given a token cancelled after <see cref="Timeout"/>). Never throws; a failure is an empty list.
    /// </summary>
    public IReadOnlyList<CompletionCandidate> Get(object owner, string kind, Func<CancellationToken, Task<IReadOnlyList<CompletionCandidate>>> load)
    {
        if (owner is null || kind is null || load is null)
        {
            return Array.Empty<CompletionCandidate>();
        }

        Dictionary<string, Entry> entries = _entries.GetValue(owner, _ => new Dictionary<string, Entry>(StringComparer.Ordinal));
        DateTimeOffset now = _clock();
        lock (entries)
        {
            if (entries.TryGetValue(kind, out Entry? kept) && now < kept.FreshUntil)
            {
                return kept.Candidates;
            }
        }

        IReadOnlyList<CompletionCandidate>? loaded = TryLoad(load);
        var entry = new Entry(loaded ?? Array.Empty<CompletionCandidate>(), now + (loaded is null ? FailureLifetime : Lifetime));
        lock (entries)
        {
            entries[kind] = entry;
        }

        return entry.Candidates;
    }

    /// <summary>Forgets everything kept for <paramref name="owner"/> (after a change the user made, or a disconnect).</summary>
    public void Forget(object owner)
    {
        if (owner is not null)
        {
            _entries.Remove(owner);
        }
    }

    private IReadOnlyList<CompletionCandidate>? TryLoad(Func<CancellationToken, Task<IReadOnlyList<CompletionCandidate>>> load)
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            // On a worker: the caller (the shell's completion) may have a synchronization context.
            Task<IReadOnlyList<CompletionCandidate>> task = Task.Run(() => load(cancellation.Token), cancellation.Token);
            if (!task.Wait(Timeout))
            {
                cancellation.Cancel();
                Observe(task);
                return null;
            }

            return task.Result ?? (IReadOnlyList<CompletionCandidate>)Array.Empty<CompletionCandidate>();
        }
#pragma warning disable CA1031 // A completer must never throw: any failure completes nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    // A load abandoned after the timeout may still fail later; observe it so it is not an unobserved exception.
    private static void Observe(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private sealed class Entry
    {
        public Entry(IReadOnlyList<CompletionCandidate> candidates, DateTimeOffset freshUntil)
        {
            Candidates = candidates;
            FreshUntil = freshUntil;
        }

        public IReadOnlyList<CompletionCandidate> Candidates { get; }

        public DateTimeOffset FreshUntil { get; }
    }
}
