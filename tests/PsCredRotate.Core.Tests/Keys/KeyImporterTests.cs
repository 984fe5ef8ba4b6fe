using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>How KeyImporter recognises and combines its inputs (format sniffing, PEM leniency, JWK x5c, chains).</summary>
[Collection(OpenSslKeyCollection.Name)]
public sealed class KeyImporterTests
{
    private readonly OpenSslKeyFiles _keys;

    public KeyImporterTests(OpenSslKeyFiles keys) => _keys = keys;

    [Fact]
    public void A_file_holding_a_jwk_is_read_as_a_jwk()
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        ECParameters p = ec.ExportParameters(false);
        string path = _keys.Path("importer-p384.jwk");
        File.WriteAllText(path, $"\n  {{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"{B64Url(p.Q.X!)}\",\"y\":\"{B64Url(p.Q.Y!)}\"}}\n");

        using RotationKey key = KeyImporter.FromFile(path);

        Assert.Equal("P-384", key.Curve);
        Assert.Equal(KeyAlgorithm.ES384, key.Algorithm);
        Assert.False(key.HasPrivateKey);
    }

    [Fact]
    public void A_utf8_bom_before_a_pem_is_ignored()
    {
        string path = _keys.Path("importer-bom.pem");
        File.WriteAllBytes(path, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.ASCII.GetBytes(_keys.Text("p256.pub.pem"))).ToArray());

        using RotationKey key = KeyImporter.FromFile(path);

        Assert.Equal(_keys.IndependentKid("p256.pem"), key.Kid);
    }

    [Fact]
    public void A_pem_body_on_one_line_or_with_crlf_and_indentation_is_accepted()
    {
        string pem = _keys.Text("rsa2048.pub.pem");
        string[] lines = pem.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string oneLine = lines[0] + "\n" + string.Concat(lines.Skip(1).Take(lines.Length - 2)) + "\n" + lines[^1] + "\n";
        string crlfIndented = string.Join("\r\n", lines.Select(l => "  " + l + " ")) + "\r\n";

        using RotationKey a = KeyImporter.FromPem(oneLine);
        using RotationKey b = KeyImporter.FromPem(crlfIndented);

        string kid = _keys.IndependentKid("rsa2048.pem");
        Assert.Equal(kid, a.Kid);
        Assert.Equal(kid, b.Kid);
    }

    [Fact]
    public void The_public_key_pem_of_an_imported_key_is_the_spki_openssl_writes()
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path("rsa2048.pkcs1.pem"));

        Assert.Equal(_keys.Text("rsa2048.pub.pem").Replace("\r", string.Empty, StringComparison.Ordinal), key.PublicKeyPem);
    }

    [Fact]
    public void A_private_key_given_with_its_own_public_key_in_either_order_is_one_key()
    {
        using RotationKey a = KeyImporter.FromPem(_keys.Text("p256.pub.pem") + _keys.Text("p256.pem"));
        using RotationKey b = KeyImporter.FromPem(_keys.Text("p256.pem") + _keys.Text("p256.pub.pem"));

        Assert.True(a.HasPrivateKey);
        Assert.True(b.HasPrivateKey);
        Assert.Equal(a.Kid, b.Kid);
    }

    [Fact]
    public void A_jwk_with_a_matching_x5c_certificate_carries_the_certificate()
    {
        using RotationKey fromCert = KeyImporter.FromFile(_keys.Path("cert.pem"));
        string n = PublicMember(fromCert, "n");
        string e = PublicMember(fromCert, "e");
        string jwk = $"{{\"kty\":\"RSA\",\"n\":\"{n}\",\"e\":\"{e}\",\"x5c\":[\"{Convert.ToBase64String(_keys.Bytes("cert.der"))}\"]}}";

        using RotationKey key = KeyImporter.FromJwk(jwk);

        Assert.Equal(fromCert.Kid, key.Kid);
        Assert.Equal(fromCert.CertificateThumbprint, key.CertificateThumbprint);
        Assert.NotNull(key.NotAfter);
    }

    [Fact]
    public void A_certificate_chain_without_a_key_gives_the_leaf_certificates_public_key()
    {
        using var dir = new TempDir();
        string ca = dir.File("ca.pem");
        string leaf = dir.File("leaf.pem");
        OpenSsl.Run(new[] { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=Test CA", "-days", "30", "-keyout", dir.File("ca.key"), "-out", ca }).EnsureSuccess();
        OpenSsl.Run(new[] { "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-subj", "/CN=leaf", "-keyout", dir.File("leaf.key"), "-out", dir.File("leaf.csr") }).EnsureSuccess();
        OpenSsl.Run(new[] { "x509", "-req", "-in", dir.File("leaf.csr"), "-CA", ca, "-CAkey", dir.File("ca.key"), "-CAcreateserial", "-days", "30", "-out", leaf }).EnsureSuccess();

        // The issuer first, the leaf second: the leaf is still the one chosen.
        using RotationKey key = KeyImporter.FromPem(File.ReadAllText(ca) + File.ReadAllText(leaf));

        Assert.Equal("P-384", key.Curve);
        Assert.False(key.HasPrivateKey);
        string fingerprint = OpenSsl.Run(new[] { "x509", "-in", leaf, "-noout", "-fingerprint", "-sha1" }).EnsureSuccess().StdOut;
        Assert.Equal(fingerprint.Trim().Split('=')[1].Replace(":", string.Empty, StringComparison.Ordinal), key.CertificateThumbprint);
    }

    [Fact]
    public void The_leaf_key_with_its_chain_uses_the_leaf_certificate()
    {
        using var dir = new TempDir();
        string ca = dir.File("ca.pem");
        string leaf = dir.File("leaf.pem");
        OpenSsl.Run(new[] { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=Test CA", "-days", "30", "-keyout", dir.File("ca.key"), "-out", ca }).EnsureSuccess();
        OpenSsl.Run(new[] { "req", "-new", "-newkey", "ed25519", "-nodes", "-subj", "/CN=leaf", "-keyout", dir.File("leaf.key"), "-out", dir.File("leaf.csr") }).EnsureSuccess();
        OpenSsl.Run(new[] { "x509", "-req", "-in", dir.File("leaf.csr"), "-CA", ca, "-CAkey", dir.File("ca.key"), "-CAcreateserial", "-days", "30", "-out", leaf }).EnsureSuccess();

        using RotationKey key = KeyImporter.FromPem(File.ReadAllText(dir.File("leaf.key")) + File.ReadAllText(leaf) + File.ReadAllText(ca));

        Assert.Equal("Ed25519", key.Curve);
        Assert.True(key.HasPrivateKey);
        Assert.Equal("CN=leaf", key.CertificateInfo!.Subject);
    }

    [Fact]
    public void FromPem_refuses_a_jwk_with_KeyFormatUnrecognized()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyImporter.FromPem("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"));

        Assert.Equal(ErrorIds.KeyFormatUnrecognized, ex.ErrorId);
    }

    [Fact]
    public void An_input_of_exactly_the_limit_is_read_and_one_byte_more_is_refused()
    {
        string pem = _keys.Text("ed25519.pub.pem");
        string atLimit = pem + new string(' ', KeyImporter.MaxInputBytes - pem.Length);
        string overLimit = atLimit + " ";

        using RotationKey key = KeyImporter.FromPem(atLimit);
        var ex = Assert.Throws<PsCredRotateException>(() => KeyImporter.FromPem(overLimit));

        Assert.Equal(_keys.IndependentKid("ed25519.pem"), key.Kid);
        Assert.Equal(ErrorIds.KeyInputTooLarge, ex.ErrorId);
    }

    [Fact]
    public void A_wrong_password_followed_by_the_right_one_imports_the_key()
    {
        using var wrong = SecureStrings.FromString("not it");
        using var right = SecureStrings.FromString(OpenSslKeyFiles.Password);

        var ex = Assert.Throws<PsCredRotateException>(() => KeyImporter.FromFile(_keys.Path("rsa2048.enc.pem"), new KeyImportOptions { Password = wrong }));
        using RotationKey key = KeyImporter.FromFile(_keys.Path("rsa2048.enc.pem"), new KeyImportOptions { Password = right });

        Assert.Equal(ErrorIds.KeyPasswordIncorrect, ex.ErrorId);
        Assert.True(key.HasPrivateKey);
    }

    [Fact]
    public void A_password_given_for_an_unencrypted_key_is_ignored()
    {
        using var password = SecureStrings.FromString("unused");

        using RotationKey key = KeyImporter.FromFile(_keys.Path("ed25519.pem"), new KeyImportOptions { Password = password });

        Assert.True(key.HasPrivateKey);
        Assert.Equal(_keys.IndependentKid("ed25519.pem"), key.Kid);
    }

    [Fact]
    public void The_tostring_of_an_imported_private_key_shows_no_key_material()
    {
        using RotationKey key = KeyImporter.FromFile(_keys.Path("rsa2048.pkcs1.pem"));
        string body = string.Concat(_keys.Text("rsa2048.pkcs1.pem").Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));

        string text = key.ToString();

        Assert.Contains(key.Kid, text, StringComparison.Ordinal);
        for (int i = 0; i + 16 <= body.Length; i += 16)
        {
            Assert.DoesNotContain(body.Substring(i, 16), text, StringComparison.Ordinal);
        }
    }

    private static string PublicMember(RotationKey key, string name) =>
        key.Material.PublicJwkMembers().Single(m => m.Key == name).Value;

    private static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
