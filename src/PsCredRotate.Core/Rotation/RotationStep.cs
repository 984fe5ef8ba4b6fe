using System;
using System.Collections.Generic;

namespace PsCredRotate.Core.Rotation;

public enum RotationStepKind
{
    /// <summary>Delete a detached credential to make room in the pool (-PruneDetached).</summary>
    Prune,

    /// <summary>Create the new credential record.</summary>
    Create,

    /// <summary>Set the private_key_jwt list (attach the new one, detach one to retire, or both).</summary>
    SetAttached,

    /// <summary>Exchange an assertion signed by the new key for a real token.</summary>
    Verify,

    /// <summary>Delete a retired (detached) credential.</summary>
    Delete,

    /// <summary>Put the client back on the secret it used before (undoing a migration).</summary>
    RestoreAuthenticationMethod,
}

public enum RotationStepStatus
{
    /// <summary>Shown under -WhatIf, or not reached.</summary>
    Planned,

    Done,

    /// <summary>The server already was in the state this step leads to (a rerun).</summary>
    AlreadyDone,

    /// <summary>ShouldProcess said no.</summary>
    Declined,

    Failed,
}

/// <summary>One step of a rotation: what it does, to which credentials, and how it went.</summary>
public sealed class RotationStep
{
    public RotationStep(RotationStepKind kind, string description, IReadOnlyList<string> kids)
    {
        Kind = kind;
        Description = description ?? throw new ArgumentNullException(nameof(description));
        Kids = kids ?? throw new ArgumentNullException(nameof(kids));
    }

    public RotationStepKind Kind { get; }

    /// <summary>A sentence naming the kids, e.g. "attach [kidA, kidB] to private_key_jwt".</summary>
    public string Description { get; }

    /// <summary>The kids the step touches.</summary>
    public IReadOnlyList<string> Kids { get; }

    public RotationStepStatus Status { get; set; } = RotationStepStatus.Planned;

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Why it failed (error id and message), for Failed steps.</summary>
    public string? Error { get; set; }

    public override string ToString() => $"{Status,-11} {Description}";
}
