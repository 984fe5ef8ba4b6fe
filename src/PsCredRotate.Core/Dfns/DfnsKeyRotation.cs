using System;
using System.Collections.Generic;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>What Invoke-DfnsKeyRotation asks for.</summary>
public sealed class DfnsKeyRotationOptions
{
    /// <summary>The new key (with its private half). Null: the key at <see cref="KeyPath"/> if that file exists, else a new one.</summary>
    public RotationKey? NewKey { get; set; }

    /// <summary>Where the new private key is written (owner-only) before its credential is added; reused on a rerun.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Encrypts the key file (PKCS#8 PBES2), and decrypts it on a rerun.</summary>
    public SecureString? KeyPassword { get; set; }

    /// <summary>The vault secret the new private key is stored in before its credential is added; reused on a rerun.</summary>
    public Custody.VaultKeyLocation? VaultLocation { get; set; }

    /// <summary>The vault behind <see cref="VaultLocation"/>.</summary>
    public Custody.IKeyVaultStore? KeyVault { get; set; }

    /// <summary>The algorithm of a generated key: ES256 (default), EdDSA or RS256 (2048 bits).</summary>
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.ES256;

    /// <summary>The new credential's name; default "PsCredRotate &lt;alg&gt; &lt;kid prefix&gt;".</summary>
    public string? Name { get; set; }

    /// <summary>Puts the new key where its users read it, after the credential exists and before it is verified; a failure rolls back.</summary>
    public Func<DfnsKeyRotationResult, CancellationToken, Task>? Deploy { get; set; }

    /// <summary>Status lines for a progress bar (one per step).</summary>
    public IProgress<DfnsRotationProgress>? Progress { get; set; }
}

/// <summary>One step of a rotation in progress.</summary>
public sealed class DfnsRotationProgress
{
    public DfnsRotationProgress(int percent, string status)
    {
        Percent = percent;
        Status = status;
    }

    public int Percent { get; }

    public string Status { get; }
}

/// <summary>How a rotation ended.</summary>
public enum DfnsKeyRotationStatus
{
    /// <summary>-WhatIf: the steps were shown, nothing changed.</summary>
    Planned,

    /// <summary>The new credential is active and verified, the old one deactivated, the connection signs with the new key.</summary>
    Completed,

    /// <summary>The connection already signed with the new key: an earlier run finished.</summary>
    AlreadyCompleted,

    /// <summary>A confirmation was declined part-way; the steps say how far it got.</summary>
    Stopped,
}

/// <summary>The outcome of Invoke-DfnsKeyRotation. <see cref="NewKey"/> never shows its private half.</summary>
public sealed class DfnsKeyRotationResult
{
    private readonly List<string> _steps = new();

    internal DfnsKeyRotationResult(string oldCredentialId, string? oldCredentialUuid, RotationKey newKey, string? keyPath)
    {
        OldCredentialId = oldCredentialId;
        OldCredentialUuid = oldCredentialUuid;
        NewKey = newKey;
        NewCredId = newKey.Kid;
        Algorithm = DfnsSignatures.AlgorithmFor(newKey);
        KeyPath = keyPath;
    }

    public string OldCredentialId { get; }

    public string? OldCredentialUuid { get; }

    public string? NewCredentialUuid { get; internal set; }

    /// <summary>The new credential's credId: the new key's RFC 7638 thumbprint.</summary>
    public string NewCredId { get; internal set; }

    public KeyAlgorithm Algorithm { get; }

    public DfnsKeyRotationStatus Status { get; internal set; }

    /// <summary>What was done (or, under -WhatIf, would be), in order.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>The new key (Export-RotationKey writes it out when no -KeyPath was given).</summary>
    public RotationKey NewKey { get; }

    /// <summary>The file holding the new private key, if any.</summary>
    public string? KeyPath { get; }

    /// <summary>The SecretManagement vault holding the new private key (-Vault), if any.</summary>
    public string? Vault { get; internal set; }

    /// <summary>The vault secret holding the new private key (-SecretName), if any.</summary>
    public string? SecretName { get; internal set; }

    public override string ToString() => $"Dfns key rotation {OldCredentialId} → {NewCredId}: {Status}";

    internal void Add(string step) => _steps.Add(step);
}
