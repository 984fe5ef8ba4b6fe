using System;

namespace PsCredRotate.Core.ConnectionKeys;

/// <summary>Where a connection key is in Auth0's rotation: next becomes current, current becomes previous.</summary>
public enum ConnectionKeyState
{
    /// <summary>None of Auth0's flags is set.</summary>
    Unknown = 0,

    /// <summary>The key Auth0 signs client assertions to the upstream IdP with.</summary>
    Current,

    /// <summary>The key that becomes current at the next rotation (register it upstream first).</summary>
    Next,

    /// <summary>The key that was current before the last rotation.</summary>
    Previous,
}

/// <summary>
/// One key of an oidc/okta connection that authenticates to its upstream IdP with private_key_jwt
/// (GET /connections/{id}/keys). Public material only: Auth0 never returns the private key.
/// </summary>
public sealed class ConnectionKey
{
    public ConnectionKey(
        string connectionId,
        string kid,
        ConnectionKeyState state,
        string? algorithm,
        string? keyUse,
        string? thumbprint,
        string? fingerprint,
        string? subjectDn,
        DateTimeOffset? currentSince,
        DateTimeOffset? notAfter,
        string? certificatePem)
    {
        ConnectionId = connectionId ?? throw new ArgumentNullException(nameof(connectionId));
        Kid = kid ?? throw new ArgumentNullException(nameof(kid));
        State = state;
        Algorithm = algorithm;
        KeyUse = keyUse;
        Thumbprint = thumbprint;
        Fingerprint = fingerprint;
        SubjectDn = subjectDn;
        CurrentSince = currentSince;
        NotAfter = notAfter;
        CertificatePem = certificatePem;
    }

    public string ConnectionId { get; }

    public string Kid { get; }

    public ConnectionKeyState State { get; }

    /// <summary>The signing algorithm (RS256, PS256, …).</summary>
    public string? Algorithm { get; }

    /// <summary>Auth0's key_use: signing or encryption.</summary>
    public string? KeyUse { get; }

    /// <summary>Upper-case hex SHA-1 of the certificate (Auth0's thumbprint).</summary>
    public string? Thumbprint { get; }

    /// <summary>The thumbprint with colons (Auth0's fingerprint).</summary>
    public string? Fingerprint { get; }

    /// <summary>The certificate subject as Auth0 gives it (/CN=&lt;connection name&gt;).</summary>
    public string? SubjectDn { get; }

    /// <summary>Since when the key is current (current keys only).</summary>
    public DateTimeOffset? CurrentSince { get; }

    /// <summary>The end of the key certificate's validity; null when the certificate could not be read.</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <summary>The key's self-signed certificate (public), to register with the upstream IdP.</summary>
    public string? CertificatePem { get; }

    public override string ToString() => $"{Kid} ({State}) of {ConnectionId}";
}
