using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Core.Tests.Threading;

/// <summary>Workers reach the pipeline thread through the dispatcher, without deadlocks, and Run behaves like an await.</summary>
public sealed class PipelineDispatcherTests
{
    [Fact]
    public void Run_returns_the_result_of_the_work()
    {
        int result = PipelineThread.Run((d, _) => d.Run(async ct =>
        {
            await Task.Delay(10, ct);
            return 42;
        }, CancellationToken.None));

        Assert.Equal(42, result);
    }

    [Fact]
    public void Run_rethrows_the_exception_of_the_work_unwrapped()
    {
        var thrown = new PsCredRotateException(ErrorIds.SlotFull, ErrorKind.LimitsExceeded, "both slots taken", "client-1");

        Exception caught = PipelineThread.Run((d, _) => Record.Exception(() => d.Run<int>(async ct =>
        {
            await Task.Delay(10, ct);
            throw thrown;
        }, CancellationToken.None))!);

        Assert.Same(thrown, caught);
    }

    [Fact]
    public void Run_rethrows_an_exception_thrown_before_the_work_returns_its_task()
    {
        var thrown = new InvalidOperationException("synchronous");

        Exception caught = PipelineThread.Run((d, _) => Record.Exception(() => d.Run<int>(_ => throw thrown, CancellationToken.None))!);

        Assert.Same(thrown, caught);
    }

    [Fact]
    public void Posts_from_workers_run_on_the_pipeline_thread_in_order_before_Run_returns()
    {
        (List<int> order, List<int> threads, int pipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            var order = new List<int>();
            var threads = new List<int>();
            d.Run(async ct =>
            {
                await Task.Run(() =>
                {
                    for (int i = 0; i < 100; i++)
                    {
                        int n = i;
                        d.Post(() =>
                        {
                            order.Add(n);
                            threads.Add(Environment.CurrentManagedThreadId);
                        });
                    }
                }, ct);
                return 0;
            }, CancellationToken.None);
            return (order, threads, pipelineId);
        });

        Assert.Equal(Enumerable.Range(0, 100), order);
        Assert.All(threads, t => Assert.Equal(pipeline, t));
    }

    [Fact]
    public void Invoke_from_a_worker_waits_for_the_pipeline_thread_and_returns_its_answer()
    {
        (int answer, int answeredOn, int workerThread, int pipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            int answeredOn = 0;
            int workerThread = 0;
            int answer = d.Run(ct => Task.Run(() =>
            {
                workerThread = Environment.CurrentManagedThreadId;
                return d.Invoke(() =>
                {
                    answeredOn = Environment.CurrentManagedThreadId;
                    return 7;
                });
            }, ct), CancellationToken.None);
            return (answer, answeredOn, workerThread, pipelineId);
        });

        Assert.Equal(7, answer);
        Assert.Equal(pipeline, answeredOn);
        Assert.NotEqual(pipeline, workerThread);
    }

    [Fact]
    public void An_exception_in_an_invoked_function_is_thrown_to_the_worker_that_asked()
    {
        var thrown = new InvalidOperationException("the user said no");

        Exception? seenByWorker = PipelineThread.Run((d, _) => d.Run(ct => Task.Run(() => Record.Exception(() => d.Invoke<bool>(() => throw thrown)), ct), CancellationToken.None));

        Assert.Same(thrown, seenByWorker);
    }

    [Fact]
    public void Post_and_Invoke_on_the_pipeline_thread_run_inline_inside_and_outside_Run()
    {
        List<string> log = PipelineThread.Run((d, _) =>
        {
            var log = new List<string>();
            d.Post(() => log.Add("post outside"));
            log.Add(d.Invoke(() => "invoke outside"));
            d.Run(ct =>
            {
                // Before the first await the work is still on the pipeline thread.
                d.Post(() => log.Add("post inside"));
                log.Add(d.Invoke(() => "invoke inside"));
                return Task.FromResult(0);
            }, CancellationToken.None);
            return log;
        });

        Assert.Equal(new[] { "post outside", "invoke outside", "post inside", "invoke inside" }, log);
    }

    [Fact]
    public void Many_workers_invoking_at_once_are_answered_one_at_a_time_on_the_pipeline_thread()
    {
        (int counter, int offThread) = PipelineThread.Run((d, pipelineId) =>
        {
            int counter = 0; // deliberately not thread-safe: only the pipeline thread touches it
            int offThread = 0;
            d.Run(ct => Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            {
                for (int i = 0; i < 50; i++)
                {
                    d.Invoke(() =>
                    {
                        if (Environment.CurrentManagedThreadId != pipelineId)
                        {
                            Interlocked.Increment(ref offThread);
                        }

                        int read = counter;
                        Thread.SpinWait(20);
                        counter = read + 1;
                    });
                }
            }, ct))).ContinueWith(_ => 0, ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default), CancellationToken.None);
            return (counter, offThread);
        });

        Assert.Equal(32 * 50, counter);
        Assert.Equal(0, offThread);
    }

    [Fact]
    public void Cancelling_the_token_cancels_the_work_and_Run_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();

        Exception? caught = PipelineThread.Run((d, pipelineId) => Record.Exception(() => d.Run(async ct =>
        {
            d.Post(() => { });
            _ = Task.Run(async () =>
            {
                await Task.Delay(50);
                cts.Cancel();
            });
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, cts.Token)));

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
    }

    [Fact]
    public void After_cancellation_Run_keeps_answering_invokes_until_the_work_has_finished()
    {
        using var cts = new CancellationTokenSource();

        (Exception? caught, int answered) = PipelineThread.Run((d, _) =>
        {
            int answered = 0;
            Exception? caught = Record.Exception(() => d.Run(ct => Task.Run(() =>
            {
                cts.Cancel();

                // The work ignores cancellation for a while and still asks the pipeline thread.
                for (int i = 0; i < 10; i++)
                {
                    answered += d.Invoke(() => 1);
                }

                ct.ThrowIfCancellationRequested();
                return 0;
            }, CancellationToken.None), cts.Token));
            return (caught, answered);
        });

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.Equal(10, answered);
    }

    [Fact]
    public void An_invoke_queued_while_the_work_finishes_is_still_answered()
    {
        int? answer = null;
        Thread? straggler = null;

        PipelineThread.Run((d, _) =>
        {
            d.Run(async ct =>
            {
                // A worker outside the work asks right as the work completes.
                straggler = new Thread(() =>
                {
                    try
                    {
                        answer = d.Invoke(() => 5);
                    }
                    catch (InvalidOperationException)
                    {
                        answer = -1; // came too late: Run had already returned
                    }
                })
                { IsBackground = true };
                straggler.Start();
                await Task.Delay(100, ct);
                return 0;
            }, CancellationToken.None);
        });

        Assert.True(straggler!.Join(PipelineThread.Timeout));
        Assert.Equal(5, answer);
    }

    [Fact]
    public void An_invoke_from_a_worker_while_nothing_pumps_fails_instead_of_hanging()
    {
        Exception? caught = PipelineThread.Run((d, _) =>
        {
            d.Run(_ => Task.FromResult(0), CancellationToken.None);
            return Task.Run(() => Record.Exception(() => d.Invoke(() => 1))).Result;
        });

        Assert.IsType<InvalidOperationException>(caught);
    }

    [Fact]
    public void A_post_from_a_worker_while_nothing_pumps_runs_in_the_next_Run()
    {
        List<string> log = PipelineThread.Run((d, _) =>
        {
            var log = new List<string>();
            Task.Run(() => d.Post(() => log.Add("early"))).Wait();
            log.Add("before");
            d.Run(async ct =>
            {
                await Task.Delay(20, ct);
                return 0;
            }, CancellationToken.None);
            return log;
        });

        Assert.Equal(new[] { "before", "early" }, log);
    }

    [Fact]
    public void A_posted_action_that_throws_cancels_the_work_and_Run_throws_it_once_the_work_has_finished()
    {
        var thrown = new InvalidOperationException("the pipeline is stopping");

        (Exception? caught, bool workSawCancellation, bool workFinished) = PipelineThread.Run((d, _) =>
        {
            bool sawCancellation = false;
            bool finished = false;
            Exception? caught = Record.Exception(() => d.Run(ct => Task.Run(async () =>
            {
                d.Post(() => throw thrown);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    sawCancellation = true;
                }

                await Task.Delay(20, CancellationToken.None);
                finished = true;
                return 0;
            }, CancellationToken.None), CancellationToken.None));
            return (caught, sawCancellation, finished);
        });

        Assert.Same(thrown, caught);
        Assert.True(workSawCancellation);
        Assert.True(workFinished);
    }

    [Fact]
    public void Invoke_on_a_worker_never_runs_the_function_on_the_worker()
    {
        var threads = new ConcurrentBag<int>();

        int pipeline = PipelineThread.Run((d, pipelineId) =>
        {
            d.Run(ct => Task.Run(() => d.Invoke(() => { threads.Add(Environment.CurrentManagedThreadId); }), ct).ContinueWith(_ => 0, TaskScheduler.Default), CancellationToken.None);
            return pipelineId;
        });

        Assert.Equal(new[] { pipeline }, threads);
    }
}
