using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Jose;

/// <summary>
/// Verifies JWS with implementations that share no code with Core: Microsoft.IdentityModel
/// (RSA and ECDSA) and the openssl command line (every algorithm, Ed25519 included).
/// </summary>
internal static class IndependentVerifier
{
    /// <summary>An IdentityModel JsonWebKey built from the key's public JWK members.</summary>
    public static JsonWebKey JsonWebKeyOf(RotationKey key)
    {
        Dictionary<string, string> members = key.Material.PublicJwkMembers().ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var jwk = new JsonWebKey { Kty = members["kty"], Kid = key.Kid };
        if (jwk.Kty == "RSA")
        {
            jwk.N = members["n"];
            jwk.E = members["e"];
        }
        else
        {
            jwk.Crv = members["crv"];
            jwk.X = members["x"];
            jwk.Y = members["y"];
        }

        return jwk;
    }

    /// <summary>An IdentityModel key over a platform key imported from the public PEM (SPKI).</summary>
    public static SecurityKey PlatformKeyOf(RotationKey key)
    {
        if (key.KeyType == KeyType.RSA)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(key.PublicKeyPem);
            return new RsaSecurityKey(rsa) { KeyId = key.Kid };
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.PublicKeyPem);
        return new ECDsaSecurityKey(ecdsa) { KeyId = key.Kid };
    }

    /// <summary>
    /// Full validation as a token endpoint would do it: signature, issuer, audience, lifetime
    /// (no clock skew), typ and alg.
    /// </summary>
    public static Task<TokenValidationResult> ValidateWithIdentityModelAsync(string compact, SecurityKey key, string algorithm, string issuer, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(compact, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,
            ValidTypes = new[] { "JWT" },
            ValidAlgorithms = new[] { algorithm },
        });

    /// <summary>Runs openssl to verify <paramref name="signature"/> (JOSE form) over <paramref name="data"/>.</summary>
    public static OpenSsl.Result VerifyWithOpenSsl(RotationKey key, byte[] data, byte[] signature)
    {
        using var dir = new TempDir();
        string pub = dir.Write("pub.pem", key.PublicKeyPem);
        string dataFile = dir.File("data");
        File.WriteAllBytes(dataFile, data);
        string sigFile = dir.File("sig");

        if (key.Algorithm == KeyAlgorithm.EdDSA)
        {
            File.WriteAllBytes(sigFile, signature);
            return OpenSsl.Run("pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", dataFile, "-sigfile", sigFile);
        }

        HashAlgorithmName hash = KeyAlgorithms.HashOf(key.Algorithm);
        string digest = "-" + hash.Name!.ToLowerInvariant();
        var args = new List<string> { "dgst", digest, "-verify", pub, "-signature", sigFile };
        if (KeyAlgorithms.IsPss(key.Algorithm))
        {
            // Salt length pinned to the hash length (RFC 7518 §3.5), so a different salt length fails.
            int saltLength = hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;
            args.AddRange(new[] { "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:" + saltLength });
        }

        File.WriteAllBytes(sigFile, key.KeyType == KeyType.EC ? EcdsaJoseToDer(signature) : signature);
        args.Add(dataFile);
        return OpenSsl.Run(args.ToArray());
    }

    /// <summary>JOSE r‖s to the DER SEQUENCE { INTEGER r, INTEGER s } openssl expects.</summary>
    public static byte[] EcdsaJoseToDer(byte[] joseSignature)
    {
        Assert.True(joseSignature.Length % 2 == 0, "r||s has an even length");
        int half = joseSignature.Length / 2;
        byte[] r = DerInteger(joseSignature.AsSpan(0, half));
        byte[] s = DerInteger(joseSignature.AsSpan(half, half));
        return DerTagged(0x30, r.Concat(s).ToArray());
    }

    private static byte[] DerInteger(ReadOnlySpan<byte> unsigned)
    {
        int start = 0;
        while (start < unsigned.Length - 1 && unsigned[start] == 0)
        {
            start++;
        }

        byte[] magnitude = unsigned.Slice(start).ToArray();
        if ((magnitude[0] & 0x80) != 0)
        {
            magnitude = new byte[] { 0 }.Concat(magnitude).ToArray();
        }

        return DerTagged(0x02, magnitude);
    }

    private static byte[] DerTagged(byte tag, byte[] content)
    {
        byte[] length = content.Length < 0x80
            ? new[] { (byte)content.Length }
            : content.Length <= 0xFF
                ? new byte[] { 0x81, (byte)content.Length }
                : new byte[] { 0x82, (byte)(content.Length >> 8), (byte)content.Length };
        return new[] { tag }.Concat(length).Concat(content).ToArray();
    }
}
