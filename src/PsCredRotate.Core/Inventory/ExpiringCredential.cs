using System;

namespace PsCredRotate.Core.Inventory;

/// <summary>What kind of credential an <see cref="ExpiringCredential"/> is.</summary>
public enum ExpiringCredentialSource
{
    /// <summary>A client's private_key_jwt credential (its expires_at).</summary>
    ClientCredential,

    /// <summary>A tenant signing key (its certificate's NotAfter).</summary>
    SigningKey,

    /// <summary>A connection's private_key_jwt key (its certificate's NotAfter).</summary>
    ConnectionKey,
}

/// <summary>
/// One credential with an expiry, as Get-ExpiringCredential lists it: sorted soonest first, flat
/// properties for Export-Csv or an alert. Never holds key material.
/// </summary>
public sealed class ExpiringCredential
{
    public ExpiringCredential(ExpiringCredentialSource source, string tenant, string kid, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        Source = source;
        Tenant = tenant ?? throw new ArgumentNullException(nameof(tenant));
        Kid = kid ?? throw new ArgumentNullException(nameof(kid));
        ExpiresAt = expiresAt;
        DaysLeft = (int)Math.Floor((expiresAt - now).TotalDays);
    }

    public ExpiringCredentialSource Source { get; }

    /// <summary>The tenant domain.</summary>
    public string Tenant { get; }

    /// <summary>The client the credential belongs to (client credentials).</summary>
    public string? ClientId { get; set; }

    public string? ClientName { get; set; }

    /// <summary>The connection the key belongs to (connection keys).</summary>
    public string? ConnectionId { get; set; }

    public string? ConnectionName { get; set; }

    public string Kid { get; }

    /// <summary>The credential's own name, or the key's state (current/next/previous) for keys.</summary>
    public string? Name { get; set; }

    /// <summary>For a client credential: whether it can sign in (attached to private_key_jwt).</summary>
    public bool? Attached { get; set; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Whole days from the inventory's "now" to <see cref="ExpiresAt"/>; negative once expired.</summary>
    public int DaysLeft { get; }

    public override string ToString() =>
        $"{Source} {Kid} of {ClientId ?? ConnectionId ?? Tenant}: expires {ExpiresAt:u} ({DaysLeft} days)";
}
