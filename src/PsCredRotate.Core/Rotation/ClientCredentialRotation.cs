using System;
using System.Collections.Generic;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

public enum RotationPhase
{
    /// <summary>-WhatIf: planned only, nothing changed.</summary>
    Planned,

    /// <summary>New credential created, attached beside the old, verified: deploy the new key, then Complete.</summary>
    Started,

    /// <summary>Old credentials detached (and deleted unless kept): the new key is the client's credential.</summary>
    Completed,

    /// <summary>The new credential was removed and the client left as it was.</summary>
    Undone,

    /// <summary>A ShouldProcess answer of no stopped it part-way; running it again resumes.</summary>
    Declined,
}

/// <summary>
/// A rotation of one client's credential, as Start/Complete/Undo/Invoke return it and take it from
/// the pipeline. <see cref="NewKey"/> holds the private key when the rotation generated or was
/// given one; it never appears in <see cref="ToString"/> or the default view.
/// </summary>
public sealed class ClientCredentialRotation
{
    public ClientCredentialRotation(string provider, string clientId, string newKid)
    {
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        NewKid = newKid ?? throw new ArgumentNullException(nameof(newKid));
    }

    public string Provider { get; }

    public string ClientId { get; }

    public string? ClientName { get; set; }

    /// <summary>The kid of the key the client is moving to.</summary>
    public string NewKid { get; }

    /// <summary>The new key (with its private half when known). Null when the rotation was resumed from the server by kid only.</summary>
    public RotationKey? NewKey { get; set; }

    /// <summary>The new credential as the server reported it last.</summary>
    public ClientCredential? NewCredential { get; set; }

    /// <summary>The kids to retire at Complete (detach, then delete unless -KeepPrevious).</summary>
    public IReadOnlyList<string> RetiringKids { get; set; } = Array.Empty<string>();

    /// <summary>Attached ids before Start changed anything (what Undo puts back).</summary>
    public IReadOnlyList<string> OriginalAttachedIds { get; set; } = Array.Empty<string>();

    /// <summary>The method before Start (a secret method when Start migrated the client).</summary>
    public ClientAuthenticationMethod OriginalAuthenticationMethod { get; set; } = ClientAuthenticationMethod.PrivateKeyJwt;

    /// <summary>The audience the verification token was requested for.</summary>
    public string? Audience { get; set; }

    /// <summary>Where the new private key was written (-KeyPath), if anywhere.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The SecretManagement vault the new private key is kept in (-Vault), if any.</summary>
    public string? Vault { get; set; }

    /// <summary>The vault secret holding the new private key (-SecretName), if any.</summary>
    public string? SecretName { get; set; }

    public List<RotationStep> Steps { get; } = new();

    public RotationPhase Phase { get; set; } = RotationPhase.Planned;

    /// <summary>True once a real token was issued for the new key.</summary>
    public bool Verified { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>The last verification's facts (never the token).</summary>
    public ClientCredentialTestResult? Verification { get; set; }

    public override string ToString() =>
        $"{Provider} client '{ClientId}': {Phase}, new kid {NewKid}, retiring [{string.Join(", ", RetiringKids)}]";
}
