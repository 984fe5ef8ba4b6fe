using System;
using System.Globalization;

namespace PsCredRotate.Core.SigningKeys;

/// <summary>Where a tenant signing key is in its life: next (published, not signing), current (signing), previous (published, not signing), revoked.</summary>
public enum SigningKeyState
{
    Current,
    Next,
    Previous,
    Revoked,
}

/// <summary>
/// One tenant signing key as the Management API reports it, with the expiry of its certificate.
/// Only public facts: the certificate is public, the private key never leaves the tenant.
/// </summary>
public sealed class SigningKey
{
    public SigningKey(
        string kid,
        SigningKeyState state,
        DateTimeOffset? currentSince,
        DateTimeOffset? currentUntil,
        DateTimeOffset? revokedAt,
        string thumbprint,
        string fingerprint,
        DateTimeOffset? notAfter,
        string tenant)
    {
        Kid = kid ?? throw new ArgumentNullException(nameof(kid));
        State = state;
        CurrentSince = currentSince;
        CurrentUntil = currentUntil;
        RevokedAt = revokedAt;
        Thumbprint = thumbprint ?? string.Empty;
        Fingerprint = fingerprint ?? string.Empty;
        NotAfter = notAfter;
        Tenant = tenant ?? string.Empty;
    }

    public string Kid { get; }

    public SigningKeyState State { get; }

    /// <summary>When the key became current (absent for a key that never was).</summary>
    public DateTimeOffset? CurrentSince { get; }

    /// <summary>When the key stopped being current (set on previous and revoked keys).</summary>
    public DateTimeOffset? CurrentUntil { get; }

    public DateTimeOffset? RevokedAt { get; }

    /// <summary>Upper-case hex SHA-1 of the certificate DER.</summary>
    public string Thumbprint { get; }

    /// <summary>The same hex with colons.</summary>
    public string Fingerprint { get; }

    /// <summary>The certificate's NotAfter (null when the answer carried no certificate).</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <summary>The tenant domain.</summary>
    public string Tenant { get; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} signing key {1} ({2})", State, Kid, Tenant);
}
