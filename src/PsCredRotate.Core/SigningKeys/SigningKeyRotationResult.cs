using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Core.SigningKeys;

/// <summary>What one Invoke-SigningKeyRotation run did and why, and the tenant's keys afterwards.</summary>
public sealed class SigningKeyRotationResult
{
    internal SigningKeyRotationResult(
        string tenant,
        SigningKeyAction action,
        string reason,
        DateTimeOffset checkedAt,
        DateTimeOffset? nextActionAt,
        IReadOnlyList<string> revokedKids,
        IReadOnlyList<string> verifiedJwksUris,
        IReadOnlyList<SigningKey> keys)
    {
        Tenant = tenant;
        Action = action;
        Reason = reason;
        CheckedAt = checkedAt;
        NextActionAt = nextActionAt;
        RevokedKids = revokedKids;
        VerifiedJwksUris = verifiedJwksUris;
        Keys = keys;
    }

    public string Tenant { get; }

    public SigningKeyAction Action { get; }

    public string Reason { get; }

    /// <summary>The clock reading the decision was made at.</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>When something held back or not yet due becomes due (null: nothing pending).</summary>
    public DateTimeOffset? NextActionAt { get; }

    /// <summary>The previous keys revoked in this run.</summary>
    public IReadOnlyList<string> RevokedKids { get; }

    /// <summary>The JWKS documents that were checked to serve the new current key (the tenant's first).</summary>
    public IReadOnlyList<string> VerifiedJwksUris { get; }

    /// <summary>The tenant's signing keys after the run.</summary>
    public IReadOnlyList<SigningKey> Keys { get; }

    public string? CurrentKid => Keys.FirstOrDefault(k => k.State == SigningKeyState.Current)?.Kid;

    public string? NextKid => Keys.FirstOrDefault(k => k.State == SigningKeyState.Next)?.Kid;

    public string[] PreviousKids => Keys.Where(k => k.State == SigningKeyState.Previous).Select(k => k.Kid).ToArray();

    public override string ToString() => $"{Action}: {Reason}";
}
