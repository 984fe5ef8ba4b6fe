using System;
using System.Security.Cryptography;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Oidc;

/// <summary>
/// A private_key_jwt client assertion (RFC 7523 §3) whose header kid is the one the client's jwks
/// entry carries (or none), which may differ from the key's thumbprint. Lifetime 60 s.
/// </summary>
internal static class OidcAssertion
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public static string Create(RotationKey key, string clientId, string audience, string? headerKid, DateTimeOffset now)
    {
        if (!key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                $"The key '{key.Kid}' holds only the public half and cannot sign a client assertion. Use the key with its private half.",
                key.Kid);
        }

        long issuedAt = now.ToUnixTimeSeconds();
        byte[] id = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(id);
        }

        string jwtId = Base64Url.Encode(id);
        return JwsCompact.Sign(
            key.Material,
            key.Algorithm,
            header =>
            {
                if (headerKid is not null)
                {
                    header.WriteString(JoseHeaderNames.KeyId, headerKid);
                }

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
                claims.WriteNumber(JwtClaimNames.ExpirationTime, issuedAt + (long)Lifetime.TotalSeconds);
            });
    }
}
