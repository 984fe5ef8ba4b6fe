using System;

namespace PsCredRotate.Core.Threading;

/// <summary>What a cmdlet answers for the engine, as delegates that must run on its pipeline thread.</summary>
public sealed class RotationHostCallbacks
{
    /// <summary>The cmdlet's ShouldProcess(target, action): prints "What if: …" under -WhatIf and asks under -Confirm.</summary>
    public Func<string, string, bool> ShouldProcess { get; set; } = (_, _) => false;

    /// <summary>The cmdlet's High-impact question (query, caption): asks unless the call waived confirmation (-Confirm:$false).</summary>
    public Func<string, string, bool> ShouldContinue { get; set; } = (_, _) => false;

    public Action<string> Verbose { get; set; } = _ => { };

    public Action<string> Warning { get; set; } = _ => { };

    public Action<string> Debug { get; set; } = _ => { };
}
