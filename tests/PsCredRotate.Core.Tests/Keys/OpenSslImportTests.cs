using System;
using System.IO;
using System.Linq;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>
/// Keys made by the openssl CLI import with the right type, size, curve and private half, and the
/// kid equals the RFC 7638 thumbprint computed from openssl's own dump of the public key.
/// </summary>
[Collection(OpenSslKeyCollection.Name)]
public sealed class OpenSslImportTests
{
    private readonly OpenSslKeyFiles _keys;

    public OpenSslImportTests(OpenSslKeyFiles keys) => _keys = keys;

    [Theory]
    [InlineData("rsa2048.pem", "rsa2048.pem", 2048, true)]
    [InlineData("rsa2048.pub.pem", "rsa2048.pem", 2048, false)]
    [InlineData("rsa2048.pkcs1.pem", "rsa2048.pem", 2048, true)]
    [InlineData("rsa2048.rsapub.pem", "rsa2048.pem", 2048, false)]
    [InlineData("rsa2048.der", "rsa2048.pem", 2048, true)]
    [InlineData("rsa2048.pub.der", "rsa2048.pem", 2048, false)]
    [InlineData("rsa2048.pkcs1.der", "rsa2048.pem", 2048, true)]
    [InlineData("rsa2048.rsapub.der", "rsa2048.pem", 2048, false)]
    [InlineData("rsa3072.pem", "rsa3072.pem", 3072, true)]
    [InlineData("key+pub.pem", "rsa2048.pem", 2048, true)]
    public void An_openssl_rsa_key_imports_with_its_size_and_the_independently_computed_kid(string file, string source, int bits, bool hasPrivate)
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path(file));

        Assert.Equal(KeyType.RSA, key.KeyType);
        Assert.Equal(bits, key.KeySize);
        Assert.Null(key.Curve);
        Assert.Equal(hasPrivate, key.HasPrivateKey);
        Assert.Equal(KeyAlgorithm.RS256, key.Algorithm);
        Assert.Equal(_keys.IndependentKid(source), key.Kid);
        Assert.Null(key.CertificatePem);
    }

    [Theory]
    [InlineData("p256.pem", "p256.pem", "P-256", true, KeyAlgorithm.ES256)]
    [InlineData("p256.sec1.der", "p256.pem", "P-256", true, KeyAlgorithm.ES256)]
    [InlineData("p256.pub.pem", "p256.pem", "P-256", false, KeyAlgorithm.ES256)]
    [InlineData("p384.pem", "p384.pem", "P-384", true, KeyAlgorithm.ES384)]
    [InlineData("p521.pem", "p521.pem", "P-521", true, KeyAlgorithm.ES512)]
    [InlineData("ed25519.pem", "ed25519.pem", "Ed25519", true, KeyAlgorithm.EdDSA)]
    [InlineData("ed25519.pub.pem", "ed25519.pem", "Ed25519", false, KeyAlgorithm.EdDSA)]
    [InlineData("ed25519.der", "ed25519.pem", "Ed25519", true, KeyAlgorithm.EdDSA)]
    public void An_openssl_ec_or_ed25519_key_imports_with_its_curve_and_the_independently_computed_kid(string file, string source, string curve, bool hasPrivate, KeyAlgorithm algorithm)
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path(file));

        Assert.Equal(curve == "Ed25519" ? KeyType.OKP : KeyType.EC, key.KeyType);
        Assert.Equal(curve, key.Curve);
        Assert.Null(key.KeySize);
        Assert.Equal(hasPrivate, key.HasPrivateKey);
        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(_keys.IndependentKid(source), key.Kid);
    }

    [Fact]
    public void The_ec_parameters_block_openssl_writes_before_an_ec_key_is_skipped()
    {
        string pem = _keys.Text("p256.pem");
        Assert.Contains("-----BEGIN EC PARAMETERS-----", pem, StringComparison.Ordinal);

        using RotationKey key = KeyImporter.FromPem(pem);

        Assert.Equal("P-256", key.Curve);
        Assert.Equal(_keys.IndependentKid("p256.pem"), key.Kid);
    }

    [Theory]
    [InlineData("rsa2048.enc.pem")]
    [InlineData("rsa2048.enc.der")]
    [InlineData("rsa2048.enc-aes128-sha1.pem")]
    [InlineData("rsa2048.enc-aes192-sha512.pem")]
    [InlineData("rsa2048.enc-des3-sha384.pem")]
    [InlineData("rsa2048.enc-aes256-sha224.pem")]
    public void An_openssl_encrypted_pkcs8_key_decrypts_with_its_password(string file)
    {
        using var password = SecureStrings.FromString(OpenSslKeyFiles.Password);

        using RotationKey key = KeyImporter.FromFile(_keys.Path(file), new KeyImportOptions { Password = password });

        Assert.True(key.HasPrivateKey);
        Assert.Equal(2048, key.KeySize);
        Assert.Equal(_keys.IndependentKid("rsa2048.pem"), key.Kid);
    }

    [Theory]
    [InlineData("cert.pem", false)]
    [InlineData("cert.der", false)]
    [InlineData("cert+key.pem", true)]
    [InlineData("key+cert.pem", true)]
    public void An_openssl_self_signed_certificate_imports_alone_or_with_its_key_in_either_order(string file, bool hasPrivate)
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path(file));

        Assert.Equal(KeyType.RSA, key.KeyType);
        Assert.Equal(2048, key.KeySize);
        Assert.Equal(hasPrivate, key.HasPrivateKey);
        Assert.Equal(_keys.IndependentKid("cert.pem", isCertificate: true), key.Kid);
        Assert.Equal(_keys.IndependentKid("certkey.pem"), key.Kid);
        string fingerprint = OpenSsl.Run(new[] { "x509", "-in", _keys.Path("cert.pem"), "-noout", "-fingerprint", "-sha1" }).EnsureSuccess().StdOut;
        string expected = fingerprint.Trim().Split('=')[1].Replace(":", string.Empty, StringComparison.Ordinal);
        Assert.Equal(expected, key.CertificateThumbprint);
        string sha256 = OpenSsl.Run(new[] { "x509", "-in", _keys.Path("cert.pem"), "-noout", "-fingerprint", "-sha256" }).EnsureSuccess().StdOut;
        byte[] sha256Bytes = Convert.FromHexString(sha256.Trim().Split('=')[1].Replace(":", string.Empty, StringComparison.Ordinal));
        Assert.Equal(OpenSslKeyFiles.B64Url(sha256Bytes), key.CertificateThumbprintSha256);
        Assert.NotNull(key.CertificatePem);
        Assert.Contains("-----BEGIN CERTIFICATE-----", key.CertificatePem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ec_certificate_with_its_key_imports_as_p256_with_the_certificate()
    {
        string pem = _keys.Text("eccertkey.pem") + _keys.Text("eccert.pem");

        using RotationKey key = KeyImporter.FromPem(pem);

        Assert.Equal("P-256", key.Curve);
        Assert.True(key.HasPrivateKey);
        Assert.Equal(_keys.IndependentKid("eccert.pem", isCertificate: true), key.Kid);
        Assert.NotNull(key.CertificateThumbprint);
    }

    [Fact]
    public void The_leaf_is_chosen_when_a_private_key_comes_with_a_certificate_chain()
    {
        // A second, unrelated certificate (standing in for an issuer) before the leaf.
        string pem = _keys.Text("eccert.pem") + _keys.Text("certkey.pem") + _keys.Text("cert.pem");

        using RotationKey key = KeyImporter.FromPem(pem);

        Assert.Equal(_keys.IndependentKid("cert.pem", isCertificate: true), key.Kid);
        string fingerprint = OpenSsl.Run(new[] { "x509", "-in", _keys.Path("cert.pem"), "-noout", "-fingerprint", "-sha1" }).EnsureSuccess().StdOut;
        Assert.Equal(fingerprint.Trim().Split('=')[1].Replace(":", string.Empty, StringComparison.Ordinal), key.CertificateThumbprint);
    }

    [Fact]
    public void Text_around_pem_blocks_is_ignored()
    {
        string pem = "Bag Attributes\n    friendlyName: x\nsubject=/CN=x\n" + _keys.Text("rsa2048.pub.pem") + "\ntrailing notes\n";

        using RotationKey key = KeyImporter.FromPem(pem);

        Assert.Equal(_keys.IndependentKid("rsa2048.pem"), key.Kid);
    }

    [Fact]
    public void A_pem_written_by_windows_powershell_as_utf16_with_crlf_imports()
    {
        string path = _keys.Path("utf16.pem");
        File.WriteAllText(path, _keys.Text("ed25519.pub.pem").Replace("\n", "\r\n", StringComparison.Ordinal), System.Text.Encoding.Unicode);

        using RotationKey key = KeyImporter.FromFile(path);

        Assert.Equal(_keys.IndependentKid("ed25519.pem"), key.Kid);
    }

    [Fact]
    public void The_name_algorithm_and_clock_from_the_options_are_used()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        using RotationKey key = KeyImporter.FromFile(_keys.Path("rsa2048.pem"), new KeyImportOptions { Algorithm = KeyAlgorithm.PS384, Name = "ci-key", Now = now });

        Assert.Equal(KeyAlgorithm.PS384, key.Algorithm);
        Assert.Equal("ci-key", key.Name);
        Assert.Equal(now, key.CreatedAt);
    }

    [Fact]
    public void An_imported_private_key_signs_what_openssl_verifies()
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path("p384.pem"));
        byte[] data = System.Text.Encoding.UTF8.GetBytes("header.payload");
        byte[] jose = key.Material.Sign(KeyAlgorithm.ES384, data);

        // JOSE r||s to DER for openssl.
        string sigPath = _keys.Path("p384.sig");
        string dataPath = _keys.Path("p384.data");
        File.WriteAllBytes(dataPath, data);
        File.WriteAllBytes(sigPath, ToDer(jose));
        OpenSsl.Result verify = OpenSsl.Run(new[] { "dgst", "-sha384", "-prverify", _keys.Path("p384.pem"), "-signature", sigPath, dataPath });

        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("Verified OK", verify.StdOut, StringComparison.Ordinal);
    }

    private static byte[] ToDer(byte[] jose)
    {
        static byte[] Int(byte[] v)
        {
            byte[] t = v.SkipWhile(b => b == 0).ToArray();
            return (t.Length == 0 || t[0] >= 0x80 ? new byte[] { 0 }.Concat(t) : t).ToArray();
        }

        byte[] r = Int(jose.Take(jose.Length / 2).ToArray());
        byte[] s = Int(jose.Skip(jose.Length / 2).ToArray());
        byte[] body = new byte[] { 2, (byte)r.Length }.Concat(r).Concat(new byte[] { 2, (byte)s.Length }).Concat(s).ToArray();
        return new byte[] { 0x30, (byte)body.Length }.Concat(body).ToArray();
    }
}
