using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Core.Tests.Threading;

/// <summary>
/// A dedicated thread standing in for a PowerShell pipeline thread: no synchronization context,
/// the dispatcher created on it. A test that hangs fails after the timeout instead.
/// </summary>
internal static class PipelineThread
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static T Run<T>(Func<PipelineDispatcher, int, T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                result = body(new PipelineDispatcher(), Environment.CurrentManagedThreadId);
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = "pipeline",
        };
        thread.Start();
        Assert.True(thread.Join(Timeout), "The pipeline thread did not finish: deadlock.");
        failure?.Throw();
        return result;
    }

    public static void Run(Action<PipelineDispatcher, int> body) =>
        Run((d, id) =>
        {
            body(d, id);
            return true;
        });
}
