using System;
using System.Globalization;
using System.Security.Cryptography;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Jose;

/// <summary>
/// Signs private_key_jwt client assertions (RFC 7523 §3, RFC 7521 §5): header alg, kid, typ;
/// claims iss = sub = client id, aud, jti, iat, nbf, exp.
/// </summary>
public static class ClientAssertionFactory
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Auth0 refuses assertions whose exp is more than 5 minutes after iat.</summary>
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromMinutes(5);

    /// <summary>NumericDate has whole seconds; a shorter lifetime would give exp = iat.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(1);

    /// <summary>Random bytes in jti: 128 bits, 22 base64url characters.</summary>
    internal const int JwtIdBytes = 16;

    /// <summary>
    /// Signs an assertion with <paramref name="key"/>'s algorithm. <paramref name="lifetime"/>
    /// (default 60 s, at least 1 s, at most 5 min) counts whole seconds; <paramref name="now"/>
    /// (default the current time) is truncated to whole seconds for iat and nbf.
    /// </summary>
    public static ClientAssertion Create(RotationKey key, string clientId, string audience, TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        if (key is null)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                "A key with its private half is required to sign a client assertion.");
        }

        if (!key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                $"The key '{key.Kid}' holds only the public half and cannot sign a client assertion. Use the key with its private half (New-RotationKey, or Import-RotationKey from the private key).",
                key.Kid);
        }

        CheckClientId(clientId);
        CheckAudience(audience);
        TimeSpan validFor = lifetime ?? DefaultLifetime;
        if (validFor < MinimumLifetime || validFor > MaximumLifetime)
        {
            throw new PsCredRotateException(
                ErrorIds.AssertionLifetimeOutOfRange,
                ErrorKind.InvalidArgument,
                $"The assertion lifetime {validFor.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s is out of range: it must be between {MinimumLifetime.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s and {MaximumLifetime.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (5 minutes).",
                validFor);
        }

        long issuedAt = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        long expiresAt = issuedAt + (long)Math.Floor(validFor.TotalSeconds);
        string jwtId = NewJwtId();
        string kid = key.Kid;

        string compact = JwsCompact.Sign(
            key.Material,
            key.Algorithm,
            header =>
            {
                header.WriteString(JoseHeaderNames.KeyId, kid);
                header.WriteString(JoseHeaderNames.Type, JoseHeaderNames.JwtType);
            },
            claims =>
            {
                claims.WriteString(JwtClaimNames.Issuer, clientId);
                claims.WriteString(JwtClaimNames.Subject, clientId);
                claims.WriteString(JwtClaimNames.Audience, audience);
                claims.WriteString(JwtClaimNames.JwtId, jwtId);
                claims.WriteNumber(JwtClaimNames.IssuedAt, issuedAt);
                claims.WriteNumber(JwtClaimNames.NotBefore, issuedAt);
                claims.WriteNumber(JwtClaimNames.ExpirationTime, expiresAt);
            });

        return new ClientAssertion(
            compact,
            clientId,
            audience,
            kid,
            key.Algorithm,
            jwtId,
            DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    private static void CheckClientId(string clientId)
    {
        bool valid = !string.IsNullOrWhiteSpace(clientId);
        if (valid)
        {
            foreach (char c in clientId)
            {
                if (char.IsControl(c))
                {
                    valid = false;
                    break;
                }
            }
        }

        if (!valid)
        {
            throw new PsCredRotateException(
                ErrorIds.AssertionClientIdInvalid,
                ErrorKind.InvalidArgument,
                "The client id must be a non-empty string without control characters: the application's client_id, which the assertion names as iss and sub.",
                clientId);
        }
    }

    private static void CheckAudience(string audience)
    {
        bool valid = !string.IsNullOrWhiteSpace(audience)
            && audience.Trim().Length == audience.Length
            && Uri.TryCreate(audience, UriKind.Absolute, out Uri? uri)
            && (string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) || string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
            && uri.Host.Length > 0
            && uri.Fragment.Length == 0;
        if (!valid)
        {
            throw new PsCredRotateException(
                ErrorIds.AssertionAudienceInvalid,
                ErrorKind.InvalidArgument,
                "The audience must be an absolute http or https URI without a fragment: the authorization server's issuer or token endpoint, for example 'https://tenant.auth0.com/'.",
                audience);
        }
    }

    private static string NewJwtId()
    {
        byte[] random = new byte[JwtIdBytes];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(random);
        }

        return Base64Url.Encode(random);
    }
}
