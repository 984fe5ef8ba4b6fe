using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Core.Tests.Threading;

/// <summary>The engine's host calls, from worker threads, reach the cmdlet on its pipeline thread.</summary>
public sealed class DispatchingRotationHostTests
{
    [Fact]
    public void ShouldProcess_from_a_worker_is_answered_by_the_cmdlet_on_the_pipeline_thread()
    {
        (bool answer, List<string> asked, bool onPipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            var asked = new List<string>();
            bool onPipeline = false;
            var callbacks = new RotationHostCallbacks
            {
                ShouldProcess = (target, action) =>
                {
                    onPipeline = Environment.CurrentManagedThreadId == pipelineId;
                    asked.Add(target + " | " + action);
                    return true;
                },
            };
            var host = new DispatchingRotationHost(d, callbacks, whatIf: false);
            bool answer = d.Run(ct => Task.Run(() => host.ShouldProcess("client 'c1'", "attach [kidA, kidB]"), ct), CancellationToken.None);
            return (answer, asked, onPipeline);
        });

        Assert.True(answer);
        Assert.Equal(new[] { "client 'c1' | attach [kidA, kidB]" }, asked);
        Assert.True(onPipeline);
    }

    [Fact]
    public void ShouldProcess_passes_the_cmdlets_no_back_to_the_engine()
    {
        bool answer = PipelineThread.Run((d, _) =>
        {
            var host = new DispatchingRotationHost(d, new RotationHostCallbacks { ShouldProcess = (_, _) => false }, whatIf: true);
            return d.Run(ct => Task.Run(() => host.ShouldProcess("t", "a"), ct), CancellationToken.None);
        });

        Assert.False(answer);
    }

    [Theory]
    [InlineData(false, true, true, true)]
    [InlineData(false, false, true, false)]
    [InlineData(true, true, false, false)]
    public void ShouldContinue_always_asks_the_user_except_under_WhatIf(bool whatIf, bool userAnswer, bool expectAsked, bool expected)
    {
        (bool answer, bool asked, bool onPipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            bool asked = false;
            bool onPipeline = false;
            var callbacks = new RotationHostCallbacks
            {
                ShouldContinue = (query, caption) =>
                {
                    asked = query == "Detach the last credential?" && caption == "Last credential";
                    onPipeline = Environment.CurrentManagedThreadId == pipelineId;
                    return userAnswer;
                },
            };
            var host = new DispatchingRotationHost(d, callbacks, whatIf);
            bool answer = d.Run(ct => Task.Run(() => host.ShouldContinue("Detach the last credential?", "Last credential"), ct), CancellationToken.None);
            return (answer, asked, onPipeline);
        });

        Assert.Equal(expected, answer);
        Assert.Equal(expectAsked, asked);
        Assert.Equal(expectAsked, onPipeline);
    }

    [Fact]
    public void Log_lines_from_workers_reach_their_streams_on_the_pipeline_thread_in_order()
    {
        (List<string> lines, bool onPipeline) = PipelineThread.Run((d, pipelineId) =>
        {
            var lines = new List<string>();
            bool onPipeline = true;
            void Add(string line)
            {
                onPipeline &= Environment.CurrentManagedThreadId == pipelineId;
                lines.Add(line);
            }

            var callbacks = new RotationHostCallbacks
            {
                Verbose = m => Add("V " + m),
                Warning = m => Add("W " + m),
                Debug = m => Add("D " + m),
            };
            var host = new DispatchingRotationHost(d, callbacks, whatIf: false);
            d.Run(ct => Task.Run(() =>
            {
                host.Verbose("one");
                host.Debug("two");
                host.Warning("three");
                return 0;
            }, ct), CancellationToken.None);
            return (lines, onPipeline);
        });

        Assert.Equal(new[] { "V one", "D two", "W three" }, lines);
        Assert.True(onPipeline);
    }

    [Fact]
    public void The_host_reports_WhatIf_as_given()
    {
        var d = new PipelineDispatcher();

        Assert.True(new DispatchingRotationHost(d, new RotationHostCallbacks(), whatIf: true).WhatIf);
        Assert.False(new DispatchingRotationHost(d, new RotationHostCallbacks(), whatIf: false).WhatIf);
    }
}
