using System;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Commands;

/// <summary>An <see cref="IProgress{T}"/> whose reports run on the pipeline thread, posted through the dispatcher.</summary>
internal sealed class PostedProgress<T> : IProgress<T>
{
    private readonly PipelineDispatcher _dispatcher;
    private readonly Action<T> _report;

    public PostedProgress(PipelineDispatcher dispatcher, Action<T> report)
    {
        _dispatcher = dispatcher;
        _report = report;
    }

    public void Report(T value) => _dispatcher.Post(() => _report(value));
}
