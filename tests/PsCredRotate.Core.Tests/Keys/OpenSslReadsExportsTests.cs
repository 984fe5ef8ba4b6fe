using System;
using System.Security;
using System.Text.RegularExpressions;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>openssl, an independent implementation, reads what the exporter writes.</summary>
public sealed class OpenSslReadsExportsTests
{
    private const string Password = "Tr0ub4dor&3 pässwörd";

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    [InlineData(KeyAlgorithm.PS256)]
    public void Openssl_reads_a_plain_private_pem_and_derives_our_public_key(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm, certificate: true);
        using var dir = new TempDir();
        string file = dir.Write("key.pem", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false));

        OpenSsl.Result check = OpenSsl.Run("pkey", "-in", file, "-noout");
        string pub = OpenSsl.Run("pkey", "-in", file, "-pubout").EnsureSuccess().StdOut;
        string fingerprint = OpenSsl.Run("x509", "-in", file, "-noout", "-fingerprint", "-sha1").EnsureSuccess().StdOut;

        Assert.Equal(0, check.ExitCode);
        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), GeneratedKeyFixtures.PemDer(pub, "PUBLIC KEY"));
        Assert.Contains(key.CertificateThumbprint!, fingerprint.Replace(":", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    public void Openssl_decrypts_an_encrypted_pem_with_the_password_and_derives_our_public_key(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);
        using var dir = new TempDir();
        using SecureString password = SecureStrings.FromString(Password);
        string file = dir.Write("key.pem", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password));

        OpenSsl.Result check = OpenSsl.Run("pkey", "-in", file, "-passin", "pass:" + Password, "-noout");
        string pub = OpenSsl.Run("pkey", "-in", file, "-passin", "pass:" + Password, "-pubout").EnsureSuccess().StdOut;

        Assert.True(check.ExitCode == 0, check.StdErr);
        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), GeneratedKeyFixtures.PemDer(pub, "PUBLIC KEY"));
    }

    [Fact]
    public void Openssl_refuses_an_encrypted_pem_with_a_wrong_password()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using var dir = new TempDir();
        using SecureString password = SecureStrings.FromString(Password);
        string file = dir.Write("key.pem", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password));

        OpenSsl.Result wrong = OpenSsl.Run("pkey", "-in", file, "-passin", "pass:" + Password + "x", "-noout");
        OpenSsl.Result right = OpenSsl.Run("pkey", "-in", file, "-passin", "pass:" + Password, "-noout");

        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Equal(0, right.ExitCode);
    }

    [Fact]
    public void The_encrypted_pem_is_pbes2_with_pbkdf2_hmac_sha256_600000_iterations_and_aes_256_cbc()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA);
        using var dir = new TempDir();
        using SecureString password = SecureStrings.FromString(Password);
        string file = dir.Write("key.pem", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password));

        string asn1 = OpenSsl.Run("asn1parse", "-in", file).EnsureSuccess().StdOut;

        Assert.Contains(":PBES2", asn1, StringComparison.Ordinal);
        Assert.Contains(":PBKDF2", asn1, StringComparison.Ordinal);
        Assert.Contains(":hmacWithSHA256", asn1, StringComparison.Ordinal);
        Assert.Contains(":aes-256-cbc", asn1, StringComparison.Ordinal);
        Match iterations = Regex.Match(asn1, @"INTEGER\s+:([0-9A-F]+)");
        Assert.True(iterations.Success, asn1);
        Assert.Equal(600_000, Convert.ToInt32(iterations.Groups[1].Value, 16));
        Assert.Matches(@"prim: OCTET STRING\s+\[HEX DUMP\]:[0-9A-F]{32}\s", asn1); // the 16-byte salt (and the IV)
    }

    [Fact]
    public void Openssl_reads_a_public_pem_export_as_the_same_key()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES384, certificate: true);
        using var dir = new TempDir();
        string file = dir.Write("pub.pem", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: true));

        string pub = OpenSsl.Run("pkey", "-pubin", "-in", file, "-pubout").EnsureSuccess().StdOut;

        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), GeneratedKeyFixtures.PemDer(pub, "PUBLIC KEY"));
    }

    [Fact]
    public void Openssl_reads_an_exported_private_key_file()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.RS512);
        using var dir = new TempDir();
        using SecureString password = SecureStrings.FromString(Password);
        string file = dir.File("key.pem");

        KeyExporter.ExportToFile(key, file, KeyExportFormat.Pem, publicOnly: false, password, overwrite: false);
        string pub = OpenSsl.Run("pkey", "-in", file, "-passin", "pass:" + Password, "-pubout").EnsureSuccess().StdOut;

        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), GeneratedKeyFixtures.PemDer(pub, "PUBLIC KEY"));
    }
}
