using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Completion;

namespace PsCredRotate.Core.Tests.Completion;

public sealed class CompletionCacheTests
{
    private DateTimeOffset _now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private int _loads;

    private CompletionCache NewCache() => new(() => _now, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    private Task<IReadOnlyList<CompletionCandidate>> Load(CancellationToken cancellationToken)
    {
        int n = Interlocked.Increment(ref _loads);
        return Task.FromResult<IReadOnlyList<CompletionCandidate>>([new CompletionCandidate("client-" + n, "load " + n)]);
    }

    [Fact]
    public void A_second_read_within_the_lifetime_does_not_load_again()
    {
        CompletionCache cache = NewCache();
        object connection = new();

        cache.Get(connection, "clients", Load);
        _now += TimeSpan.FromSeconds(59);
        IReadOnlyList<CompletionCandidate> second = cache.Get(connection, "clients", Load);

        Assert.Equal(1, _loads);
        Assert.Equal("client-1", Assert.Single(second).Value);
    }

    [Fact]
    public void A_read_after_the_lifetime_loads_again()
    {
        CompletionCache cache = NewCache();
        object connection = new();

        cache.Get(connection, "clients", Load);
        _now += TimeSpan.FromSeconds(60);
        IReadOnlyList<CompletionCandidate> again = cache.Get(connection, "clients", Load);

        Assert.Equal(2, _loads);
        Assert.Equal("client-2", Assert.Single(again).Value);
    }

    [Fact]
    public void Each_connection_and_kind_is_kept_apart()
    {
        CompletionCache cache = NewCache();
        object first = new();
        object second = new();

        cache.Get(first, "clients", Load);
        cache.Get(second, "clients", Load);
        cache.Get(first, "connections", Load);
        cache.Get(first, "clients", Load);

        Assert.Equal(3, _loads);
    }

    [Fact]
    public void A_failing_load_completes_nothing_and_is_retried_after_the_failure_lifetime()
    {
        CompletionCache cache = NewCache();
        object connection = new();
        int calls = 0;
        Task<IReadOnlyList<CompletionCandidate>> Failing(CancellationToken ct)
        {
            calls++;
            throw new InvalidOperationException("tenant down");
        }

        IReadOnlyList<CompletionCandidate> first = cache.Get(connection, "clients", Failing);
        IReadOnlyList<CompletionCandidate> kept = cache.Get(connection, "clients", Failing);
        _now += TimeSpan.FromSeconds(10);
        IReadOnlyList<CompletionCandidate> retried = cache.Get(connection, "clients", Load);

        Assert.Empty(first);
        Assert.Empty(kept);
        Assert.Equal(1, calls);
        Assert.Equal("client-1", Assert.Single(retried).Value);
    }

    [Fact]
    public void A_faulted_or_cancelled_task_completes_nothing()
    {
        CompletionCache cache = NewCache();

        IReadOnlyList<CompletionCandidate> faulted = cache.Get(new object(), "clients", _ => Task.FromException<IReadOnlyList<CompletionCandidate>>(new TimeoutException()));
        IReadOnlyList<CompletionCandidate> cancelled = cache.Get(new object(), "clients", _ => Task.FromCanceled<IReadOnlyList<CompletionCandidate>>(new CancellationToken(true)));

        Assert.Empty(faulted);
        Assert.Empty(cancelled);
    }

    [Fact]
    public void The_load_gets_a_token_that_the_timeout_cancels()
    {
        var cache = new CompletionCache(() => _now, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        CancellationToken seen = default;

        cache.Get(new object(), "clients", ct =>
        {
            seen = ct;
            return Load(ct);
        });

        Assert.True(seen.CanBeCanceled);
    }

    [Fact]
    public void Forgetting_a_connection_loads_it_again()
    {
        CompletionCache cache = NewCache();
        object connection = new();

        cache.Get(connection, "clients", Load);
        cache.Forget(connection);
        cache.Get(connection, "clients", Load);

        Assert.Equal(2, _loads);
    }

    [Fact]
    public void Missing_arguments_complete_nothing_without_throwing()
    {
        CompletionCache cache = NewCache();

        Assert.Empty(cache.Get(null!, "clients", Load));
        Assert.Empty(cache.Get(new object(), "clients", null!));
        Assert.Equal(0, _loads);
    }
}
