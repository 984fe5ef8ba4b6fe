using System;

namespace PsCredRotate.Core.Custody;

/// <summary>Where a key is kept in custody: a registered SecretManagement vault and a secret name in it.</summary>
public sealed class VaultKeyLocation
{
    public VaultKeyLocation(string vault, string secretName)
    {
        if (string.IsNullOrWhiteSpace(vault))
        {
            throw new ArgumentException("A vault name is required.", nameof(vault));
        }

        if (string.IsNullOrWhiteSpace(secretName))
        {
            throw new ArgumentException("A secret name is required.", nameof(secretName));
        }

        Vault = vault;
        SecretName = secretName;
    }

    public string Vault { get; }

    public string SecretName { get; }

    /// <summary>The ShouldProcess target and error target: "vault 'V', secret 'S'".</summary>
    public override string ToString() => $"vault '{Vault}', secret '{SecretName}'";
}
