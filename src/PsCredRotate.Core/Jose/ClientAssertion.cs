using System;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Jose;

/// <summary>
/// An RFC 7523 private_key_jwt client assertion. Its claims are public properties; the signed
/// compact JWS is a credential (single use, short-lived) and so is reachable only through
/// <see cref="ToSecureString"/> or <see cref="RevealCompactSerialization"/>, never ToString or a serializer.
/// </summary>
public sealed class ClientAssertion
{
    private readonly string _compact;

    internal ClientAssertion(string compact, string clientId, string audience, string kid, KeyAlgorithm algorithm, string jwtId, DateTimeOffset issuedAt, DateTimeOffset notBefore, DateTimeOffset expiresAt)
    {
        _compact = compact;
        ClientId = clientId;
        Audience = audience;
        Kid = kid;
        Algorithm = algorithm;
        JwtId = jwtId;
        IssuedAt = issuedAt;
        NotBefore = notBefore;
        ExpiresAt = expiresAt;
    }

    public string ClientId { get; }

    public string Audience { get; }

    public string Kid { get; }

    public KeyAlgorithm Algorithm { get; }

    public string JwtId { get; }

    public DateTimeOffset IssuedAt { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The compact JWS as a SecureString.</summary>
    public SecureString ToSecureString() => SecureStrings.FromString(_compact);

    /// <summary>The compact JWS as plain text, for sending to a token endpoint.</summary>
    public string RevealCompactSerialization() => _compact;

    public override string ToString() => $"client assertion for '{ClientId}' (kid {Kid}, {Algorithm}), expires {ExpiresAt:u}";
}
