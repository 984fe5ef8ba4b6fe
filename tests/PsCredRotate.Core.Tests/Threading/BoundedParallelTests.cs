using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Core.Tests.Threading;

/// <summary>Bulk operations: at most N at a time, one outcome per item in completion order, cancellable.</summary>
public sealed class BoundedParallelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_throttle_limit_below_one_is_refused_before_any_operation(int limit)
    {
        int calls = 0;

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => BoundedParallel.RunAsync(
            new[] { 1, 2 },
            limit,
            (_, _) => Task.FromResult(Interlocked.Increment(ref calls)),
            (_, _) => { },
            (_, _) => { },
            CancellationToken.None));

        Assert.Equal(ErrorIds.ThrottleLimitInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(0, calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task Never_more_than_the_throttle_limit_run_at_once_and_the_limit_is_used(int limit)
    {
        int inFlight = 0;
        int peak = 0;
        var reported = new ConcurrentBag<int>();

        await BoundedParallel.RunAsync(
            Enumerable.Range(0, 40).ToArray(),
            limit,
            async (item, ct) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);

                // Stay in flight until the limit was reached once, so a slow thread pool cannot hide it.
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (Volatile.Read(ref peak) < limit && waited.Elapsed < Patience)
                {
                    await Task.Delay(1, ct);
                }

                await Task.Delay(1, ct);
                Interlocked.Decrement(ref inFlight);
                return item;
            },
            (item, result) => reported.Add(result),
            (_, ex) => throw ex,
            CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(limit, peak);
        Assert.Equal(Enumerable.Range(0, 40), reported.OrderBy(x => x));
    }

    [Fact]
    public async Task Every_item_is_reported_once_as_a_success_or_with_its_own_exception()
    {
        var successes = new List<(int Item, string Result)>();
        var failures = new List<(int Item, Exception Error)>();

        await BoundedParallel.RunAsync(
            Enumerable.Range(1, 10).ToArray(),
            4,
            async (item, ct) =>
            {
                await Task.Yield();
                if (item % 3 == 0)
                {
                    throw new PsCredRotateException(ErrorIds.ClientNotFound, ErrorKind.ObjectNotFound, $"client {item} not found", item);
                }

                return "ok " + item;
            },
            (item, result) => successes.Add((item, result)),
            (item, ex) => failures.Add((item, ex)),
            CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(new[] { 1, 2, 4, 5, 7, 8, 10 }, successes.Select(s => s.Item).OrderBy(i => i));
        Assert.All(successes, s => Assert.Equal("ok " + s.Item, s.Result));
        Assert.Equal(new[] { 3, 6, 9 }, failures.Select(f => f.Item).OrderBy(i => i));
        Assert.All(failures, f => Assert.Equal(f.Item, ((PsCredRotateException)f.Error).Target));
    }

    [Fact]
    public async Task Outcomes_are_reported_in_completion_order_not_item_order()
    {
        int[] items = { 0, 1, 2, 3 };
        TaskCompletionSource<int>[] gates = items.Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var reported = new List<int>();
        var reportedSignal = new SemaphoreSlim(0);

        Task run = BoundedParallel.RunAsync(
            items,
            items.Length,
            (item, _) => gates[item].Task,
            (item, _) =>
            {
                reported.Add(item);
                reportedSignal.Release();
            },
            (_, ex) => throw ex,
            CancellationToken.None);

        foreach (int item in new[] { 2, 0, 3, 1 })
        {
            gates[item].SetResult(item);
            Assert.True(await reportedSignal.WaitAsync(Patience));
        }

        await run.WaitAsync(Patience);
        Assert.Equal(new[] { 2, 0, 3, 1 }, reported);
    }

    [Fact]
    public async Task Callbacks_never_run_concurrently()
    {
        int inCallback = 0;
        int overlaps = 0;

        await BoundedParallel.RunAsync(
            Enumerable.Range(0, 60).ToArray(),
            8,
            async (item, _) =>
            {
                await Task.Yield();
                return item;
            },
            (_, _) =>
            {
                if (Interlocked.Increment(ref inCallback) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Thread.Sleep(1);
                Interlocked.Decrement(ref inCallback);
            },
            (_, ex) => throw ex,
            CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(0, overlaps);
    }

    [Fact]
    public void Operations_do_not_run_on_the_callers_thread()
    {
        var threads = new ConcurrentBag<int>();

        // The caller is a dedicated thread that blocks on the run: an operation started inline would run on it.
        int caller = PipelineThread.Run((_, callerId) =>
        {
            BoundedParallel.RunAsync(
                Enumerable.Range(0, 8).ToArray(),
                2,
                (item, _) =>
                {
                    // A synchronous body: it would block the caller if it were started there.
                    threads.Add(Environment.CurrentManagedThreadId);
                    Thread.Sleep(5);
                    return Task.FromResult(item);
                },
                (_, _) => { },
                (_, ex) => throw ex,
                CancellationToken.None).GetAwaiter().GetResult();
            return callerId;
        });

        Assert.Equal(8, threads.Count);
        Assert.DoesNotContain(caller, threads);
    }

    [Fact]
    public async Task Cancellation_starts_nothing_new_waits_for_the_running_and_ends_cancelled()
    {
        using var cts = new CancellationTokenSource();
        int started = 0;
        int running = 0;
        var failures = new ConcurrentBag<Exception>();
        var successes = new ConcurrentBag<int>();

        Task run = BoundedParallel.RunAsync(
            Enumerable.Range(0, 100).ToArray(),
            3,
            async (item, ct) =>
            {
                Interlocked.Increment(ref started);
                Interlocked.Increment(ref running);
                try
                {
                    if (item < 4)
                    {
                        return item;
                    }

                    if (item == 4)
                    {
                        cts.Cancel();
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                    return item;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            },
            (item, _) => successes.Add(item),
            (_, ex) => failures.Add(ex),
            cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
        Assert.InRange(started, 5, 7);
        Assert.Equal(0, running);
        Assert.Empty(failures);
        Assert.Equal(new[] { 0, 1, 2, 3 }, successes.OrderBy(i => i));
    }

    [Fact]
    public async Task A_callback_that_throws_stops_the_run_and_its_exception_is_the_result()
    {
        var thrown = new InvalidOperationException("the pipeline is stopping");
        int started = 0;
        int reported = 0;

        Exception caught = await Record.ExceptionAsync(() => BoundedParallel.RunAsync(
            Enumerable.Range(0, 50).ToArray(),
            2,
            async (item, ct) =>
            {
                Interlocked.Increment(ref started);
                await Task.Delay(5, ct);
                return item;
            },
            (_, _) =>
            {
                Interlocked.Increment(ref reported);
                throw thrown;
            },
            (_, _) => Interlocked.Increment(ref reported),
            CancellationToken.None).WaitAsync(Patience));

        Assert.Same(thrown, caught);
        Assert.Equal(1, reported);
        Assert.InRange(started, 1, 4);
    }

    [Fact]
    public async Task No_items_complete_at_once()
    {
        bool called = false;

        await BoundedParallel.RunAsync(
            Array.Empty<string>(),
            4,
            (_, _) =>
            {
                called = true;
                return Task.FromResult(0);
            },
            (_, _) => called = true,
            (_, _) => called = true,
            CancellationToken.None).WaitAsync(Patience);

        Assert.False(called);
    }

    [Fact]
    public void Through_the_dispatcher_the_callbacks_run_on_the_pipeline_thread()
    {
        (List<int> reported, bool allOnPipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            var reported = new List<int>();
            bool allOnPipeline = true;
            d.Run(ct => BoundedParallel.RunAsync(
                Enumerable.Range(0, 20).ToArray(),
                4,
                async (item, token) =>
                {
                    await Task.Delay(item % 3, token);
                    return item;
                },
                (item, _) => d.Invoke(() =>
                {
                    allOnPipeline &= Environment.CurrentManagedThreadId == pipelineId;
                    reported.Add(item);
                }),
                (_, ex) => throw ex,
                ct).ContinueWith(t => t.GetAwaiter().GetResult(), TaskScheduler.Default).ContinueWith(_ => 0, TaskScheduler.Default), CancellationToken.None);
            return (reported, allOnPipeline);
        });

        Assert.Equal(Enumerable.Range(0, 20), reported.OrderBy(i => i));
        Assert.True(allOnPipeline);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
