using System;
using System.Linq;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// The checks a provider would make on a new credential, made before any call so that bad input
/// changes nothing: algorithm, RSA size, certificate presence and validity, expiry, name.
/// Messages name the kid and the facts, never key material.
/// </summary>
internal static class CredentialValidator
{
    /// <summary>Auth0's limit on a credential's display name.</summary>
    internal const int MaxNameLength = 128;

    public static void Validate(NewClientCredential credential, CredentialPolicy policy, DateTimeOffset now)
    {
        if (credential is null)
        {
            throw new ArgumentNullException(nameof(credential));
        }

        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        RotationKey key = credential.Key;

        if (credential.ExpiresAt is not null && credential.ParseExpiryFromCertificate)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryConflict,
                ErrorKind.InvalidArgument,
                "Give either an expiry (-ExpiresAt) or -ParseExpiryFromCertificate, not both.",
                key.Kid);
        }

        ValidateName(credential.Name, key.Kid);
        ValidateKey(key, policy);

        if ((credential.Type == ClientCredentialType.X509Cert || credential.ParseExpiryFromCertificate) && key.CertificatePem is null)
        {
            string why = credential.Type == ClientCredentialType.X509Cert
                ? "An X509Cert credential is a certificate"
                : "-ParseExpiryFromCertificate takes the expiry from the certificate";
            throw new PsCredRotateException(
                ErrorIds.CertificateRequired,
                ErrorKind.InvalidArgument,
                $"{why}, but key '{key.Kid}' has none. Generate or import the key with a certificate (New-RotationKey -Certificate).",
                key.Kid);
        }

        if (key.NotAfter is { } notAfter && notAfter <= now)
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateExpired,
                ErrorKind.InvalidArgument,
                $"The certificate of key '{key.Kid}' expired at {notAfter:u}; the provider refuses expired certificates. Use a key with a current certificate.",
                key.Kid);
        }

        if (credential.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryInPast,
                ErrorKind.InvalidArgument,
                $"The expiry {expiresAt:u} is not in the future (now {now:u}). Give a later -ExpiresAt, or none for a credential that never expires.",
                expiresAt);
        }
    }

    /// <summary>The algorithm and RSA size checks alone (also for a key that only verifies).</summary>
    public static void ValidateKey(RotationKey key, CredentialPolicy policy)
    {
        if (!policy.Algorithms.Contains(key.Algorithm))
        {
            string what = key.KeyType == KeyType.RSA ? $"{key.Algorithm}" : $"{key.KeyType} {key.Curve} ({key.Algorithm})";
            throw new PsCredRotateException(
                ErrorIds.CredentialAlgorithmUnsupported,
                ErrorKind.InvalidArgument,
                $"Key '{key.Kid}' signs with {what}; the provider accepts {string.Join(", ", policy.Algorithms)} only. Use an RSA key with one of those algorithms.",
                key.Kid);
        }

        if (key.KeyType == KeyType.RSA && key.KeySize is { } bits && (bits < policy.MinRsaKeySize || bits > policy.MaxRsaKeySize))
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialAlgorithmUnsupported,
                ErrorKind.InvalidArgument,
                $"Key '{key.Kid}' is RSA-{bits}; the provider accepts RSA keys of {policy.MinRsaKeySize} to {policy.MaxRsaKeySize} bits.",
                key.Kid);
        }
    }

    public static void ValidateName(string? name, string? target)
    {
        if (name is null)
        {
            return;
        }

        if (name.Trim().Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialNameInvalid,
                ErrorKind.InvalidArgument,
                $"A credential name must be 1 to {MaxNameLength} characters without control characters (got {name.Length} characters).",
                target);
        }
    }

    /// <summary>The name a new credential gets when none is given: the key's name, else "PsCredRotate {kid prefix} {date}".</summary>
    public static string DefaultName(RotationKey key, DateTimeOffset now)
    {
        if (key.Name is { } keyName && keyName.Trim().Length > 0 && keyName.Length <= MaxNameLength && !keyName.Any(char.IsControl))
        {
            return keyName;
        }

        return $"PsCredRotate {key.Kid.Substring(0, Math.Min(8, key.Kid.Length))} {now:yyyy-MM-dd}";
    }
}
