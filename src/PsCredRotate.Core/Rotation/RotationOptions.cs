using System;
using System.Collections.Generic;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>What Start-ClientCredentialRotation was asked to do.</summary>
public sealed class RotationStartOptions
{
    public RotationStartOptions(string clientId)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
    }

    public string ClientId { get; }

    /// <summary>The new key (with its private half). Null: use the key at <see cref="KeyPath"/> if that file exists, else generate.</summary>
    public RotationKey? Key { get; set; }

    /// <summary>How to generate the key when none is given (default RS256, 2048 bits).</summary>
    public KeyGenerationOptions Generate { get; set; } = new();

    /// <summary>Expiry of the new credential; null: never (or the certificate's NotAfter with <see cref="ParseExpiryFromCertificate"/>).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public bool ParseExpiryFromCertificate { get; set; }

    /// <summary>Name of the new credential record.</summary>
    public string? CredentialName { get; set; }

    /// <summary>Kids or credential ids to retire; required when both slots are taken by working credentials.</summary>
    public IReadOnlyList<string> Retire { get; set; } = Array.Empty<string>();

    /// <summary>Delete detached credentials when the pool is full.</summary>
    public bool PruneDetached { get; set; }

    /// <summary>Allow moving a client from its secret to private_key_jwt (breaks callers still using the secret).</summary>
    public bool AllowAuthenticationMethodSwitch { get; set; }

    /// <summary>The API the verification token is requested for; null: the provider's default.</summary>
    public string? Audience { get; set; }

    /// <summary>Write the new private key here (owner-only, 0600) before it is uploaded; reused on a rerun.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Encrypt the key file with this password (PKCS#8 PBES2).</summary>
    public SecureString? KeyPassword { get; set; }

    /// <summary>Keep the new private key in this vault secret before it is uploaded; reused on a rerun (needs <see cref="KeyVault"/>).</summary>
    public Custody.VaultKeyLocation? VaultLocation { get; set; }

    /// <summary>The vault behind <see cref="VaultLocation"/> (SecretManagement, or a fake in tests).</summary>
    public Custody.IKeyVaultStore? KeyVault { get; set; }

    /// <summary>The provider name written to the vault secret's metadata.</summary>
    public string? CustodyProvider { get; set; }
}

/// <summary>What Complete-ClientCredentialRotation was asked to do.</summary>
public sealed class RotationCompleteOptions
{
    public RotationCompleteOptions(string clientId, RotationKey newKey)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        NewKey = newKey ?? throw new ArgumentNullException(nameof(newKey));
    }

    public string ClientId { get; }

    /// <summary>The new key, with its private half: it is verified again before anything is retired.</summary>
    public RotationKey NewKey { get; }

    /// <summary>Kids or ids to retire; empty: every attached credential other than the new one.</summary>
    public IReadOnlyList<string> Retire { get; set; } = Array.Empty<string>();

    /// <summary>Detach but do not delete the retired credentials.</summary>
    public bool KeepPrevious { get; set; }

    public string? Audience { get; set; }
}

/// <summary>Tuning for the engine (tests shorten the waits).</summary>
public sealed class RotationSettings
{
    /// <summary>Token requests per verification before it counts as failed (a provider may need a moment after an attach).</summary>
    public int VerifyAttempts { get; set; } = 3;

    public TimeSpan VerifyRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Transient failures (5xx, 429 after the HTTP layer's own retries, resets) tolerated per operation before giving up.</summary>
    public int MaxTransientFailures { get; set; } = 8;

    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Inside Invoke, Complete skips its own read and verification when Start's verification is
    /// younger than this (the deploy was quick); a standalone Complete always reads and verifies.
    /// </summary>
    public TimeSpan ReverifyAfter { get; set; } = TimeSpan.FromSeconds(60);

    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
}
