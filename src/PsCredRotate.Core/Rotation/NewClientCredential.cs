using System;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>The kind of credential record to create for a key.</summary>
public enum ClientCredentialType
{
    /// <summary>The public key (or its certificate) for private_key_jwt (Auth0 <c>public_key</c>).</summary>
    PublicKey,

    /// <summary>A self-signed certificate for self_signed_tls_client_auth (Auth0 <c>x509_cert</c>).</summary>
    X509Cert,
}

/// <summary>What to create: the key (its public half is sent; a certificate when it has one), and the record's facts.</summary>
public sealed class NewClientCredential
{
    public NewClientCredential(RotationKey key)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
    }

    public RotationKey Key { get; }

    /// <summary>Display name (Auth0: at most 128 characters). Default: the key's name, else "PsCredRotate {kid prefix} {date}".</summary>
    public string? Name { get; set; }

    public ClientCredentialType Type { get; set; } = ClientCredentialType.PublicKey;

    /// <summary>When the provider should stop accepting it; null for never (unless <see cref="ParseExpiryFromCertificate"/>).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Take the expiry from the key's certificate NotAfter (the key must have a certificate).</summary>
    public bool ParseExpiryFromCertificate { get; set; }
}
