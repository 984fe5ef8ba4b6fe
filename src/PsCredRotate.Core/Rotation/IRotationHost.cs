using PsCredRotate.Core.Diagnostics;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// The cmdlet behind an operation, as the engine sees it: ShouldProcess per side effect, the
/// extra confirmation for dangerous switches, and the log. Calls come from worker threads; the
/// cmdlet layer marshals them to the pipeline thread (<see cref="Threading.PipelineDispatcher"/>).
/// </summary>
public interface IRotationHost : IOperationLog
{
    /// <summary>
    /// True under -WhatIf: the engine reads, plans, and reports every step through
    /// <see cref="ShouldProcess"/> (which prints "What if: …"), and changes nothing.
    /// </summary>
    bool WhatIf { get; }

    /// <summary>One call right before each side effect; target names the resource, action the change with its kids.</summary>
    bool ShouldProcess(string target, string action);

    /// <summary>
    /// An extra confirmation for a step that can break callers (switching a client off its secret,
    /// detaching its last credential). The cmdlet answers true with -Force, else asks.
    /// </summary>
    bool ShouldContinue(string query, string caption);
}

/// <summary>A host that allows everything and logs nowhere (tests, benchmarks).</summary>
public sealed class UnattendedRotationHost : IRotationHost
{
    private readonly IOperationLog _log;

    public UnattendedRotationHost(IOperationLog? log = null, bool whatIf = false)
    {
        _log = log ?? NullOperationLog.Instance;
        WhatIf = whatIf;
    }

    public bool WhatIf { get; }

    public bool ShouldProcess(string target, string action)
    {
        _log.Verbose((WhatIf ? "What if: " : string.Empty) + action + " on " + target);
        return !WhatIf;
    }

    public bool ShouldContinue(string query, string caption) => !WhatIf;

    public void Verbose(string message) => _log.Verbose(message);

    public void Debug(string message) => _log.Debug(message);

    public void Warning(string message) => _log.Warning(message);
}
