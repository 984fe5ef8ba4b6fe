using System;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// One credential a client holds at its provider (for Auth0, a record of
/// <c>GET /api/v2/clients/{id}/credentials</c>), as the server reports it. Property names bind by
/// name to the credential cmdlets (<c>Get-ClientCredential | Remove-ClientCredential</c>).
/// Holds no key material: providers never return it.
/// </summary>
public sealed class ClientCredential
{
    public ClientCredential(
        string clientId,
        string id,
        string? kid,
        string? name,
        string? algorithm,
        string type,
        bool attached,
        DateTimeOffset? createdAt,
        DateTimeOffset? updatedAt,
        DateTimeOffset? expiresAt,
        string provider)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Kid = kid;
        Name = name;
        Algorithm = algorithm;
        Type = type ?? throw new ArgumentNullException(nameof(type));
        Attached = attached;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        ExpiresAt = expiresAt;
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
    }

    /// <summary>The client (application) the credential belongs to.</summary>
    public string ClientId { get; }

    /// <summary>The provider's id of the credential (Auth0: <c>cred_…</c>).</summary>
    public string Id { get; }

    /// <summary>The RFC 7638 thumbprint of the public key (Auth0's <c>kid</c>); null for credential types without a key id.</summary>
    public string? Kid { get; }

    public string? Name { get; }

    /// <summary>The signing algorithm the provider accepts for this credential (RS256, RS384, PS256).</summary>
    public string? Algorithm { get; }

    /// <summary>The provider's credential type (Auth0: public_key, x509_cert, cert_subject_dn).</summary>
    public string Type { get; }

    /// <summary>True when the credential is in the client's private_key_jwt list (it can sign in).</summary>
    public bool Attached { get; }

    public DateTimeOffset? CreatedAt { get; }

    public DateTimeOffset? UpdatedAt { get; }

    /// <summary>When the provider stops accepting the credential; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The provider the credential lives at (Auth0, Oidc).</summary>
    public string Provider { get; }

    /// <summary>True when <see cref="ExpiresAt"/> is at or before <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;

    /// <summary>The same record with another attached flag (the engine's view after a PATCH).</summary>
    public ClientCredential WithAttached(bool attached) =>
        new(ClientId, Id, Kid, Name, Algorithm, Type, attached, CreatedAt, UpdatedAt, ExpiresAt, Provider);

    public override string ToString() =>
        $"{Id} kid={Kid ?? "-"}{(Attached ? " (attached)" : string.Empty)}";
}
