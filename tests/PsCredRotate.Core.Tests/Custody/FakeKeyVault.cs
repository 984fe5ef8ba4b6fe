using System;
using System.Collections.Generic;
using System.Security;
using PsCredRotate.Core.Custody;

namespace PsCredRotate.Core.Tests.Custody;

/// <summary>An in-memory vault: what SecretManagement's Set-Secret / Get-Secret / Get-SecretInfo would keep.</summary>
internal sealed class FakeKeyVault : IKeyVaultStore
{
    private readonly object _gate = new();

    public Dictionary<(string Vault, string Name), (string Secret, Dictionary<string, object> Metadata)> Secrets { get; } = new();

    public List<string> Calls { get; } = new();

    /// <summary>Called after each Set-Secret (tests check the order of vault writes and server calls).</summary>
    public Action<string>? OnSet { get; set; }

    public Exception? FailSet { get; set; }

    public VaultSecretInfo? GetInfo(string vault, string secretName)
    {
        lock (_gate)
        {
            Calls.Add($"GetInfo {vault}/{secretName}");
            return Secrets.TryGetValue((vault, secretName), out var entry)
                ? new VaultSecretInfo(secretName, "SecureString", new Dictionary<string, object?>(entry.Metadata!, StringComparer.OrdinalIgnoreCase))
                : null;
        }
    }

    public SecureString? GetSecret(string vault, string secretName)
    {
        lock (_gate)
        {
            Calls.Add($"GetSecret {vault}/{secretName}");
            return Secrets.TryGetValue((vault, secretName), out var entry) ? SecureStrings.FromString(entry.Secret) : null;
        }
    }

    public void SetSecret(string vault, string secretName, SecureString secret, IReadOnlyDictionary<string, object> metadata)
    {
        if (FailSet is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            Calls.Add($"SetSecret {vault}/{secretName}");
            char[] chars = SecureStrings.ToChars(secret);
            Secrets[(vault, secretName)] = (new string(chars), new Dictionary<string, object>(metadata, StringComparer.OrdinalIgnoreCase));
            SecureStrings.Clear(chars);
        }

        OnSet?.Invoke(secretName);
    }

    /// <summary>Puts a raw secret in (a key written by someone else, or junk).</summary>
    public void Put(string vault, string secretName, string secret, Dictionary<string, object>? metadata = null)
    {
        lock (_gate)
        {
            Secrets[(vault, secretName)] = (secret, metadata ?? new Dictionary<string, object>());
        }
    }
}
