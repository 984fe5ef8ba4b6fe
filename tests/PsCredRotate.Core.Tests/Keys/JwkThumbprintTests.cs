using System;
using System.Security.Cryptography;
using System.Text;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>RFC 7638 thumbprints of imported JWKs, checked against the RFCs and against hashes computed here.</summary>
public sealed class JwkThumbprintTests
{
    // RFC 7638 section 3.1: the example RSA public key and its thumbprint.
    private const string Rfc7638N =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    private const string Rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    // RFC 8037 appendix A.1 (Ed25519 key pair) and A.3 (its RFC 7638 thumbprint).
    private const string Rfc8037X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    private const string Rfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    private const string Rfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    [Fact]
    public void The_rfc_7638_example_rsa_key_has_the_rfc_thumbprint_as_kid()
    {
        string jwk = "{\"kty\":\"RSA\",\"n\":\"" + Rfc7638N + "\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";

        using RotationKey key = KeyImporter.FromJwk(jwk);

        Assert.Equal(Rfc7638Thumbprint, key.Kid);
        Assert.Equal(Rfc7638Thumbprint, JwkThumbprint.Compute(key));
        Assert.Equal(KeyType.RSA, key.KeyType);
        Assert.Equal(2048, key.KeySize);
        Assert.Equal(KeyAlgorithm.RS256, key.Algorithm);
        Assert.False(key.HasPrivateKey);
    }

    [Fact]
    public void The_jwk_kid_member_does_not_change_the_thumbprint()
    {
        string jwk = "{\"kid\":\"something-else\",\"e\":\"AQAB\",\"n\":\"" + Rfc7638N + "\",\"kty\":\"RSA\",\"use\":\"sig\"}";

        using RotationKey key = KeyImporter.FromJwk(jwk);

        Assert.Equal(Rfc7638Thumbprint, key.Kid);
    }

    [Fact]
    public void The_rfc_8037_ed25519_key_has_the_rfc_thumbprint_and_hashing_its_canonical_json_agrees()
    {
        string jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"" + Rfc8037D + "\",\"x\":\"" + Rfc8037X + "\"}";

        using RotationKey key = KeyImporter.FromJwk(jwk);

        string canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Rfc8037X + "\"}";
        Assert.Equal(Sha256B64Url(canonical), key.Kid);
        Assert.Equal(Rfc8037Thumbprint, key.Kid);
        Assert.True(key.HasPrivateKey);
        Assert.Equal(KeyAlgorithm.EdDSA, key.Algorithm);
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("P-521")]
    public void An_ec_key_made_by_the_platform_has_the_thumbprint_of_its_canonical_json(string curveName)
    {
        ECCurve curve = curveName switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        };
        using ECDsa ecdsa = ECDsa.Create(curve);
        ECParameters p = ecdsa.ExportParameters(true);
        string x = B64Url(p.Q.X!);
        string y = B64Url(p.Q.Y!);

        // Members in a non-canonical order, with whitespace and extra members.
        string jwk = $"{{ \"y\": \"{y}\", \"use\": \"sig\", \"x\": \"{x}\", \"kty\": \"EC\", \"d\": \"{B64Url(p.D!)}\", \"crv\": \"{curveName}\" }}";

        using RotationKey key = KeyImporter.FromJwk(jwk);

        string canonical = $"{{\"crv\":\"{curveName}\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}";
        Assert.Equal(Sha256B64Url(canonical), key.Kid);
        Assert.Equal(curveName, key.Curve);
        Assert.True(key.HasPrivateKey);
    }

    [Fact]
    public void An_rsa_private_jwk_made_by_the_platform_imports_with_the_thumbprint_of_its_public_members()
    {
        using RSA rsa = RSA.Create(2048);
        RSAParameters p = rsa.ExportParameters(true);
        string jwk = $"{{\"kty\":\"RSA\",\"n\":\"{B64Url(p.Modulus!)}\",\"e\":\"{B64Url(p.Exponent!)}\",\"d\":\"{B64Url(p.D!)}\",\"p\":\"{B64Url(p.P!)}\",\"q\":\"{B64Url(p.Q!)}\",\"dp\":\"{B64Url(p.DP!)}\",\"dq\":\"{B64Url(p.DQ!)}\",\"qi\":\"{B64Url(p.InverseQ!)}\"}}";

        using RotationKey key = KeyImporter.FromJwk(jwk, new KeyImportOptions { Algorithm = KeyAlgorithm.PS256 });

        string canonical = $"{{\"e\":\"{B64Url(p.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{B64Url(p.Modulus!)}\"}}";
        Assert.Equal(Sha256B64Url(canonical), key.Kid);
        Assert.True(key.HasPrivateKey);
        Assert.Equal(KeyAlgorithm.PS256, key.Algorithm);

        // The imported private key signs what the platform key verifies.
        byte[] data = Encoding.UTF8.GetBytes("a.b");
        byte[] signature = key.Material.Sign(KeyAlgorithm.PS256, data);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public void A_jwks_with_one_key_imports_that_key()
    {
        string jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Rfc8037X + "\"}]}";

        using RotationKey key = KeyImporter.FromJwk(jwks);

        Assert.Equal(Rfc8037Thumbprint, key.Kid);
        Assert.False(key.HasPrivateKey);
    }

    [Fact]
    public void A_jwk_alg_member_is_used_when_no_algorithm_is_asked_for_and_the_option_wins_otherwise()
    {
        string jwk = "{\"kty\":\"RSA\",\"n\":\"" + Rfc7638N + "\",\"e\":\"AQAB\",\"alg\":\"PS512\"}";

        using RotationKey fromJwk = KeyImporter.FromJwk(jwk);
        using RotationKey fromOption = KeyImporter.FromJwk(jwk, new KeyImportOptions { Algorithm = KeyAlgorithm.RS384 });

        Assert.Equal(KeyAlgorithm.PS512, fromJwk.Algorithm);
        Assert.Equal(KeyAlgorithm.RS384, fromOption.Algorithm);
    }

    private static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Sha256B64Url(string canonicalJson) => B64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
}
