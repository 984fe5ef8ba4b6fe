using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>
/// Helpers for the generation, certificate and export tests: shared generated keys (generation is
/// slow, and these tests only read them) and RFC 7638 thumbprints computed without Core's code.
/// </summary>
internal static class GeneratedKeyFixtures
{
    private static readonly ConcurrentDictionary<(KeyAlgorithm, bool), Lazy<RotationKey>> Cache = new();

    public static IEnumerable<KeyAlgorithm> AllAlgorithms => Enum.GetValues<KeyAlgorithm>();

    public static TheoryData<KeyAlgorithm> EveryAlgorithm()
    {
        var data = new TheoryData<KeyAlgorithm>();
        foreach (KeyAlgorithm a in AllAlgorithms)
        {
            data.Add(a);
        }

        return data;
    }

    /// <summary>One per key kind: RSA, each EC curve, Ed25519.</summary>
    public static TheoryData<KeyAlgorithm> OnePerKeyKind() => new()
    {
        KeyAlgorithm.RS256,
        KeyAlgorithm.ES256,
        KeyAlgorithm.ES384,
        KeyAlgorithm.ES512,
        KeyAlgorithm.EdDSA,
    };

    /// <summary>RSA, EC and Ed25519 (the secret canary's three).</summary>
    public static TheoryData<KeyAlgorithm> ThreeKeyTypes() => new()
    {
        KeyAlgorithm.RS256,
        KeyAlgorithm.ES256,
        KeyAlgorithm.EdDSA,
    };

    /// <summary>A generated key shared by tests that only read it. Do not dispose.</summary>
    public static RotationKey Shared(KeyAlgorithm algorithm, bool certificate = false) =>
        Cache.GetOrAdd((algorithm, certificate), k => new Lazy<RotationKey>(() => KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = k.Item1,
            Certificate = k.Item2,
            Name = "fixture-" + k.Item1,
        }))).Value;

    /// <summary>The RFC 7638 thumbprint from PublicKeyPem, read by the platform (not by Core).</summary>
    public static string IndependentKid(RotationKey key)
    {
        string json;
        switch (key.KeyType)
        {
            case KeyType.RSA:
            {
                using RSA rsa = RSA.Create();
                rsa.ImportFromPem(key.PublicKeyPem);
                RSAParameters p = rsa.ExportParameters(false);
                json = $"{{\"e\":\"{Base64Url.Encode(p.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(p.Modulus!)}\"}}";
                break;
            }

            case KeyType.EC:
            {
                using ECDsa ec = ECDsa.Create();
                ec.ImportFromPem(key.PublicKeyPem);
                ECParameters p = ec.ExportParameters(false);
                string crv = p.Q.X!.Length switch { 32 => "P-256", 48 => "P-384", 66 => "P-521", _ => "?" };
                json = $"{{\"crv\":\"{crv}\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(p.Q.X!)}\",\"y\":\"{Base64Url.Encode(p.Q.Y!)}\"}}";
                break;
            }

            default:
            {
                byte[] spki = PemDer(key.PublicKeyPem, "PUBLIC KEY");
                byte[] prefix = Convert.FromHexString("302a300506032b6570032100");
                Assert.Equal(prefix, spki.Take(prefix.Length).ToArray());
                json = $"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Base64Url.Encode(spki.Skip(prefix.Length).ToArray())}\"}}";
                break;
            }
        }

        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>The RFC 7638 thumbprint of a parsed JWK, from its own members.</summary>
    public static string ThumbprintOfJwk(JsonElement jwk)
    {
        string kty = jwk.GetProperty("kty").GetString()!;
        string[] names = kty switch
        {
            "RSA" => new[] { "e", "kty", "n" },
            "EC" => new[] { "crv", "kty", "x", "y" },
            _ => new[] { "crv", "kty", "x" },
        };
        string json = "{" + string.Join(",", names.Select(n => $"\"{n}\":\"{jwk.GetProperty(n).GetString()}\"")) + "}";
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>The DER of the first PEM block with the label.</summary>
    public static byte[] PemDer(string pem, string label)
    {
        string begin = $"-----BEGIN {label}-----";
        string end = $"-----END {label}-----";
        int start = pem.IndexOf(begin, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {label} block");
        int stop = pem.IndexOf(end, start, StringComparison.Ordinal);
        Assert.True(stop > start, $"unterminated {label} block");
        string body = pem.Substring(start + begin.Length, stop - start - begin.Length);
        return Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))));
    }

    public static byte[] Decode64Url(string value)
    {
        Assert.True(Base64Url.TryDecode(value, out byte[] bytes), "not base64url: " + value);
        return bytes;
    }
}
