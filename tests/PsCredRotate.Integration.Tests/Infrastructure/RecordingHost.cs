using System.Collections.Concurrent;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>A host that records each ShouldProcess and ShouldContinue, and answers ShouldContinue as told (a user who confirms or declines).</summary>
public sealed class RecordingHost : IRotationHost
{
    private readonly ConcurrentQueue<string> _messages = new();

    public RecordingHost(bool confirm = true, bool whatIf = false)
    {
        Confirm = confirm;
        WhatIf = whatIf;
    }

    public bool Confirm { get; }

    public bool WhatIf { get; }

    public ConcurrentQueue<(string Target, string Action)> Processed { get; } = new();

    public ConcurrentQueue<(string Query, string Caption)> Continued { get; } = new();

    public IEnumerable<string> Messages => _messages;

    public bool ShouldProcess(string target, string action)
    {
        Processed.Enqueue((target, action));
        return !WhatIf;
    }

    public bool ShouldContinue(string query, string caption)
    {
        Continued.Enqueue((query, caption));
        return Confirm && !WhatIf;
    }

    public void Verbose(string message) => _messages.Enqueue("VERBOSE: " + message);

    public void Debug(string message) => _messages.Enqueue("DEBUG: " + message);

    public void Warning(string message) => _messages.Enqueue("WARNING: " + message);
}
