using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Custody;

/// <summary>What a key in custody is for, written beside it as secret metadata (never secret itself).</summary>
public sealed class KeyCustodyDetails
{
    /// <summary>The provider whose credential the key is (Auth0, Dfns, Oidc, ...).</summary>
    public string? Provider { get; set; }

    /// <summary>The client (application) id, or the Dfns credential the key replaces.</summary>
    public string? ClientId { get; set; }

    /// <summary>When the credential expires; null: the key's certificate NotAfter, if any.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>
/// Keeps private keys in a SecretManagement vault: the key as PKCS#8 PEM in a SecureString secret
/// (encrypted PKCS#8 when a password is given, else plain: the vault is the protection), and kid,
/// algorithm, size, expiry, provider and client id as secret metadata, so Get-SecretInfo tells
/// which key a secret holds without reading it. Metadata values are strings, ints and DateTimes
/// (UTC), the types SecretManagement's own vaults store.
/// </summary>
public static class KeyCustody
{
    /// <summary>Metadata names (public API: scripts filter Get-SecretInfo on them).</summary>
    public const string KidMetadata = "Kid";
    public const string AlgorithmMetadata = "Algorithm";
    public const string KeySizeMetadata = "KeySize";
    public const string ExpiresAtMetadata = "ExpiresAt";
    public const string ProviderMetadata = "Provider";
    public const string ClientIdMetadata = "ClientId";
    public const string FormatMetadata = "Format";
    public const string CreatedByMetadata = "CreatedBy";

    /// <summary>The Format value of an unencrypted key.</summary>
    public const string PemFormat = "PKCS8-PEM";

    /// <summary>The Format value of a password-encrypted key.</summary>
    public const string EncryptedPemFormat = "PKCS8-PEM-ENCRYPTED";

    public const string CreatedByValue = "PsCredRotate";

    /// <summary>The metadata stored beside <paramref name="key"/>: kid, algorithm, size, format, expiry, provider, client id.</summary>
    public static IReadOnlyDictionary<string, object> MetadataFor(RotationKey key, KeyCustodyDetails? details, bool encrypted)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        var metadata = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)
        {
            [KidMetadata] = key.Kid,
            [AlgorithmMetadata] = key.Algorithm.ToString(),
            [FormatMetadata] = encrypted ? EncryptedPemFormat : PemFormat,
            [CreatedByMetadata] = CreatedByValue,
        };
        if (key.KeySize is { } size)
        {
            metadata[KeySizeMetadata] = size;
        }

        DateTimeOffset? expires = details?.ExpiresAt ?? key.NotAfter;
        if (expires is { } at)
        {
            metadata[ExpiresAtMetadata] = at.UtcDateTime;
        }

        if (!string.IsNullOrWhiteSpace(details?.Provider))
        {
            metadata[ProviderMetadata] = details!.Provider!;
        }

        if (!string.IsNullOrWhiteSpace(details?.ClientId))
        {
            metadata[ClientIdMetadata] = details!.ClientId!;
        }

        return metadata;
    }

    /// <summary>
    /// Stores the private key at <paramref name="location"/>. An existing secret there is replaced
    /// only with <paramref name="overwrite"/> (else <see cref="ErrorIds.VaultSecretExists"/>, nothing written).
    /// </summary>
    public static void Store(IKeyVaultStore store, VaultKeyLocation location, RotationKey key, KeyCustodyDetails? details, SecureString? password, bool overwrite)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (location is null)
        {
            throw new ArgumentNullException(nameof(location));
        }

        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (!key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.PrivateKeyUnavailable,
                ErrorKind.InvalidArgument,
                $"Key '{key.Kid}' holds only the public half; a vault keeps private keys. Export the public half with Export-RotationKey -PublicOnly.",
                key.Kid);
        }

        if (!overwrite && store.GetInfo(location.Vault, location.SecretName) is { } existing)
        {
            string holds = KidOf(existing) is { } kid ? $" (it holds key {kid})" : string.Empty;
            throw new PsCredRotateException(
                ErrorIds.VaultSecretExists,
                ErrorKind.ResourceExists,
                $"The {location} already exists{holds}. Give another -SecretName, or replace it with -Force.",
                location.ToString());
        }

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password);
        using SecureString secret = SecureStrings.FromString(pem);
        store.SetSecret(location.Vault, location.SecretName, secret, MetadataFor(key, details, password is not null));
    }

    /// <summary>The key at <paramref name="location"/>, or null when the vault holds no such secret.</summary>
    /// <param name="algorithm">The algorithm to sign with; null: the Algorithm metadata, else the key type's default.</param>
    public static RotationKey? TryLoad(IKeyVaultStore store, VaultKeyLocation location, SecureString? password, KeyAlgorithm? algorithm = null, string? name = null)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (location is null)
        {
            throw new ArgumentNullException(nameof(location));
        }

        VaultSecretInfo? info = store.GetInfo(location.Vault, location.SecretName);
        if (info is null)
        {
            return null;
        }

        char[] chars;
        using (SecureString? secret = store.GetSecret(location.Vault, location.SecretName))
        {
            if (secret is null)
            {
                return null;
            }

            chars = SecureStrings.ToChars(secret);
        }

        RotationKey key;
        try
        {
            string pem = new(chars);
            if (!PemReader.LooksLikePem(pem))
            {
                throw Invalid(location, "does not hold a PEM key");
            }

            key = KeyImporter.FromPem(pem, new KeyImportOptions
            {
                Password = password,
                Algorithm = algorithm ?? AlgorithmOf(info),
                Name = name,
            });
        }
        finally
        {
            SecureStrings.Clear(chars);
        }

        if (!key.HasPrivateKey)
        {
            string kid = key.Kid;
            key.Dispose();
            throw Invalid(location, $"holds only the public half of key {kid}");
        }

        if (KidOf(info) is { } recorded && !string.Equals(recorded, key.Kid, StringComparison.Ordinal))
        {
            string kid = key.Kid;
            key.Dispose();
            throw new PsCredRotateException(
                ErrorIds.VaultSecretKidMismatch,
                ErrorKind.InvalidData,
                $"The {location} holds key {kid}, but its metadata names key {recorded}: the secret was changed outside PsCredRotate. Store the key again with Export-RotationKey -Vault -SecretName -Force.",
                location.ToString());
        }

        return key;
    }

    /// <summary>The key at <paramref name="location"/>; <see cref="ErrorIds.VaultSecretNotFound"/> when there is none.</summary>
    public static RotationKey Load(IKeyVaultStore store, VaultKeyLocation location, SecureString? password, KeyAlgorithm? algorithm = null, string? name = null) =>
        TryLoad(store, location, password, algorithm, name) ?? throw new PsCredRotateException(
            ErrorIds.VaultSecretNotFound,
            ErrorKind.ObjectNotFound,
            $"The {location} does not exist. Get-SecretInfo -Vault '{location.Vault}' lists the secrets there.",
            location.ToString());

    /// <summary>The Kid metadata of a secret, if it has one.</summary>
    public static string? KidOf(VaultSecretInfo info) =>
        info is not null && info.Metadata.TryGetValue(KidMetadata, out object? kid) && kid is not null
            ? Convert.ToString(kid, CultureInfo.InvariantCulture)
            : null;

    private static KeyAlgorithm? AlgorithmOf(VaultSecretInfo info) =>
        info.Metadata.TryGetValue(AlgorithmMetadata, out object? value)
            && value is not null
            && Enum.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), ignoreCase: true, out KeyAlgorithm algorithm)
            ? algorithm
            : null;

    private static PsCredRotateException Invalid(VaultKeyLocation location, string what) => new(
        ErrorIds.VaultSecretInvalid,
        ErrorKind.InvalidData,
        $"The {location} {what}; a key in custody is a private key as PKCS#8 PEM (Export-RotationKey -Vault -SecretName stores one).",
        location.ToString());
}
