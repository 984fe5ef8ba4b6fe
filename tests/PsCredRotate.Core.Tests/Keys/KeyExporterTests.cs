using System;
using System.Linq;
using System.Security;
using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Keys;

public sealed class KeyExporterTests
{
    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    public void A_private_pem_is_one_pkcs8_block_and_the_platform_reads_it_as_the_same_key(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.EndsWith("-----END PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.DoesNotContain("CERTIFICATE", pem, StringComparison.Ordinal);
        byte[] der = GeneratedKeyFixtures.PemDer(pem, "PRIVATE KEY");
        if (key.KeyType == KeyType.RSA)
        {
            using RSA rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(der, out int read);
            Assert.Equal(der.Length, read);
            Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), rsa.ExportSubjectPublicKeyInfo());
        }
        else if (key.KeyType == KeyType.EC)
        {
            using ECDsa ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(der, out int read);
            Assert.Equal(der.Length, read);
            Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), ec.ExportSubjectPublicKeyInfo());
        }
        else
        {
            // RFC 8410: SEQUENCE { version 0, AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }
            Assert.Equal(Convert.FromHexString("302e020100300506032b657004220420"), der.Take(16).ToArray());
            Assert.Equal(48, der.Length);
        }
    }

    [Fact]
    public void A_public_pem_is_the_spki_block_followed_by_the_certificate()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256, certificate: true);

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: true);

        Assert.Equal(key.PublicKeyPem + key.CertificatePem, pem);
        Assert.DoesNotContain("PRIVATE", pem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_pem_of_a_key_with_a_certificate_ends_with_the_certificate()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA, certificate: true);

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.EndsWith("-----END PRIVATE KEY-----\n" + key.CertificatePem, pem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_pem_is_one_encrypted_pkcs8_block_that_the_platform_decrypts()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES384);
        using SecureString password = SecureStrings.FromString("correct horse battery staple");

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password);

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.EndsWith("-----END ENCRYPTED PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        using ECDsa ec = ECDsa.Create();
        ec.ImportFromEncryptedPem(pem, "correct horse battery staple");
        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), ec.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Two_encryptions_of_the_same_key_use_a_fresh_salt_and_iv()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA);
        byte[] pkcs8 = key.Material.ExportPkcs8PrivateKey();

        byte[] a = Pkcs8Encryptor.Encrypt(pkcs8, "pw".ToCharArray(), iterations: 1000);
        byte[] b = Pkcs8Encryptor.Encrypt(pkcs8, "pw".ToCharArray(), iterations: 1000);

        Assert.NotEqual(a, b);
        Assert.Equal(a.Length, b.Length);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    public void A_public_jwk_carries_the_rfc7638_members_kid_alg_and_use_and_no_private_member(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);

        using JsonDocument doc = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: true));
        JsonElement jwk = doc.RootElement;

        Assert.Equal(key.Kid, jwk.GetProperty("kid").GetString());
        Assert.Equal(key.Kid, GeneratedKeyFixtures.ThumbprintOfJwk(jwk));
        Assert.Equal(algorithm.ToString(), jwk.GetProperty("alg").GetString());
        Assert.Equal("sig", jwk.GetProperty("use").GetString());
        string[] names = jwk.EnumerateObject().Select(p => p.Name).ToArray();
        string[] expected = key.KeyType switch
        {
            KeyType.RSA => new[] { "kty", "kid", "use", "alg", "e", "n" },
            KeyType.EC => new[] { "kty", "kid", "use", "alg", "crv", "x", "y" },
            _ => new[] { "kty", "kid", "use", "alg", "crv", "x" },
        };
        Assert.Equal(expected, names);
    }

    [Fact]
    public void A_private_rsa_jwk_carries_numbers_the_platform_signs_with()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.RS256);

        using JsonDocument doc = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false));
        JsonElement jwk = doc.RootElement;

        Assert.Equal(new[] { "kty", "kid", "use", "alg", "e", "n", "d", "p", "q", "dp", "dq", "qi" }, jwk.EnumerateObject().Select(p => p.Name).ToArray());
        byte[] B(string name) => GeneratedKeyFixtures.Decode64Url(jwk.GetProperty(name).GetString()!);
        using RSA rsa = RSA.Create(new RSAParameters
        {
            Modulus = B("n"),
            Exponent = B("e"),
            D = B("d"),
            P = B("p"),
            Q = B("q"),
            DP = B("dp"),
            DQ = B("dq"),
            InverseQ = B("qi"),
        });
        byte[] data = { 9, 8, 7 };
        Assert.True(key.Material.Verify(KeyAlgorithm.RS256, data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.Equal(key.Kid, GeneratedKeyFixtures.ThumbprintOfJwk(jwk));
    }

    [Fact]
    public void A_private_ec_jwk_carries_the_scalar_the_platform_signs_with()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES512);

        using JsonDocument doc = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false));
        JsonElement jwk = doc.RootElement;

        byte[] B(string name) => GeneratedKeyFixtures.Decode64Url(jwk.GetProperty(name).GetString()!);
        using ECDsa ec = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP521,
            Q = new ECPoint { X = B("x"), Y = B("y") },
            D = B("d"),
        });
        byte[] data = { 1, 1, 2, 3, 5 };
        Assert.Equal(66, B("d").Length);
        Assert.True(key.Material.Verify(KeyAlgorithm.ES512, data, ec.SignData(data, HashAlgorithmName.SHA512)));
    }

    [Fact]
    public void A_private_ed25519_jwk_carries_the_seed_of_its_public_key()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA);

        using JsonDocument doc = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false));
        JsonElement jwk = doc.RootElement;

        byte[] d = GeneratedKeyFixtures.Decode64Url(jwk.GetProperty("d").GetString()!);
        byte[] x = GeneratedKeyFixtures.Decode64Url(jwk.GetProperty("x").GetString()!);
        Assert.Equal(x, new Ed25519PrivateKeyParameters(d, 0).GeneratePublicKey().GetEncoded());
    }

    [Fact]
    public void A_jwk_of_a_key_with_a_certificate_carries_x5c_and_its_sha256_thumbprint()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.RS256, certificate: true);

        using JsonDocument doc = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: true));
        JsonElement jwk = doc.RootElement;

        JsonElement[] x5c = jwk.GetProperty("x5c").EnumerateArray().ToArray();
        Assert.Single(x5c);
        byte[] der = Convert.FromBase64String(x5c[0].GetString()!);
        Assert.Equal(GeneratedKeyFixtures.PemDer(key.CertificatePem!, "CERTIFICATE"), der);
        Assert.Equal(Base64Url.Encode(SHA256.HashData(der)), jwk.GetProperty("x5t#S256").GetString());
        Assert.Equal(key.CertificateThumbprintSha256, jwk.GetProperty("x5t#S256").GetString());
        Assert.Equal("x5t#S256", jwk.EnumerateObject().Last().Name);
        Assert.DoesNotContain("\\u", doc.RootElement.GetRawText(), StringComparison.Ordinal); // '+' and '/' of x5c written plainly
    }

    [Fact]
    public void A_jwks_holds_exactly_the_jwk()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256, certificate: true);

        using JsonDocument set = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwks, publicOnly: true));
        using JsonDocument single = JsonDocument.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: true));

        Assert.Equal(new[] { "keys" }, set.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        JsonElement[] keys = set.RootElement.GetProperty("keys").EnumerateArray().ToArray();
        Assert.Single(keys);
        Assert.Equal(single.RootElement.GetRawText(), keys[0].GetRawText().Replace("\n    ", "\n", StringComparison.Ordinal));
        Assert.Equal(key.Kid, GeneratedKeyFixtures.ThumbprintOfJwk(keys[0]));
    }

    [Theory]
    [InlineData(KeyExportFormat.Jwk)]
    [InlineData(KeyExportFormat.Jwks)]
    public void A_password_with_a_json_format_is_refused_with_ExportFormatPasswordUnsupported(KeyExportFormat format)
    {
        using SecureString password = SecureStrings.FromString("pw");

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.Export(GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256), format, publicOnly: false, password));

        Assert.Equal(ErrorIds.ExportFormatPasswordUnsupported, ex.ErrorId);
    }

    [Fact]
    public void A_password_with_a_public_only_export_is_refused_with_ExportFormatPasswordUnsupported()
    {
        using SecureString password = SecureStrings.FromString("pw");

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.Export(GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256), KeyExportFormat.Pem, publicOnly: true, password));

        Assert.Equal(ErrorIds.ExportFormatPasswordUnsupported, ex.ErrorId);
    }

    [Fact]
    public void An_empty_password_is_refused_with_KeyPasswordEmpty()
    {
        using var password = new SecureString();

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.Export(GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256), KeyExportFormat.Pem, publicOnly: false, password));

        Assert.Equal(ErrorIds.KeyPasswordEmpty, ex.ErrorId);
    }

    [Theory]
    [InlineData(KeyExportFormat.Pem)]
    [InlineData(KeyExportFormat.Jwk)]
    [InlineData(KeyExportFormat.Jwks)]
    public void Exporting_the_private_half_of_a_public_only_key_is_refused_with_PrivateKeyUnavailable(KeyExportFormat format)
    {
        using RotationKey publicKey = GeneratedKeyFixtures.Shared(KeyAlgorithm.RS256).ToPublicKey();

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.Export(publicKey, format, publicOnly: false));

        Assert.Equal(ErrorIds.PrivateKeyUnavailable, ex.ErrorId);
        Assert.Equal(publicKey.Kid, ex.Target);
    }

    [Fact]
    public void A_public_only_key_exports_its_public_half()
    {
        using RotationKey publicKey = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256).ToPublicKey();

        Assert.Equal(publicKey.PublicKeyPem, KeyExporter.Export(publicKey, KeyExportFormat.Pem, publicOnly: true));
    }

    [Fact]
    public void Private_text_for_the_pipeline_is_refused_without_the_plain_text_consent()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportAsText(key, KeyExportFormat.Pem, publicOnly: false, password: null, asPlainText: false));

        Assert.Equal(ErrorIds.PrivateKeyPlainTextRequired, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Equal(key.Kid, ex.Target);
    }

    [Fact]
    public void Private_text_for_the_pipeline_is_given_with_the_plain_text_consent()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);

        string pem = KeyExporter.ExportAsText(key, KeyExportFormat.Pem, publicOnly: false, password: null, asPlainText: true);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_text_for_the_pipeline_needs_no_consent_and_a_public_only_key_gives_its_public_half()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using RotationKey publicKey = key.ToPublicKey();

        string fromPrivate = KeyExporter.ExportAsText(key, KeyExportFormat.Pem, publicOnly: true, password: null, asPlainText: false);
        string fromPublic = KeyExporter.ExportAsText(publicKey, KeyExportFormat.Pem, publicOnly: false, password: null, asPlainText: false);

        Assert.Equal(key.PublicKeyPem, fromPrivate);
        Assert.Equal(key.PublicKeyPem, fromPublic);
        Assert.False(KeyExporter.IncludesPrivate(publicKey, publicOnly: false));
        Assert.True(KeyExporter.IncludesPrivate(key, publicOnly: false));
    }
}
