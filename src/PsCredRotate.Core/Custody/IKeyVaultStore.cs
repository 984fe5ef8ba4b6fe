using System.Collections.Generic;
using System.Security;

namespace PsCredRotate.Core.Custody;

/// <summary>
/// A SecretManagement vault as Core sees it. The cmdlet layer implements it by calling
/// Microsoft.PowerShell.SecretManagement's Get-SecretInfo, Get-Secret and Set-Secret
/// (module-qualified, on the pipeline thread); tests use an in-memory fake. Implementations throw
/// <see cref="PsCredRotateException"/> with <see cref="ErrorIds.VaultReadFailed"/> or
/// <see cref="ErrorIds.VaultWriteFailed"/>, never with the secret in the message.
/// </summary>
public interface IKeyVaultStore
{
    /// <summary>The metadata of the secret named exactly <paramref name="secretName"/> in <paramref name="vault"/>; null when there is none.</summary>
    VaultSecretInfo? GetInfo(string vault, string secretName);

    /// <summary>The secret's value as a SecureString (a SecureString secret, or a string or byte[] one converted); null when there is none.</summary>
    SecureString? GetSecret(string vault, string secretName);

    /// <summary>Stores (or replaces) the secret with its metadata (values: string, int or DateTime).</summary>
    void SetSecret(string vault, string secretName, SecureString secret, IReadOnlyDictionary<string, object> metadata);
}

/// <summary>What Get-SecretInfo tells about one secret: its name, type and metadata.</summary>
public sealed class VaultSecretInfo
{
    public VaultSecretInfo(string name, string? type, IReadOnlyDictionary<string, object?>? metadata)
    {
        Name = name;
        Type = type;
        Metadata = metadata ?? new Dictionary<string, object?>();
    }

    public string Name { get; }

    /// <summary>SecretManagement's SecretType (SecureString, String, ByteArray, ...), if known.</summary>
    public string? Type { get; }

    public IReadOnlyDictionary<string, object?> Metadata { get; }
}
