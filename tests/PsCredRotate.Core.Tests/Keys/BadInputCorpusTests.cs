using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>
/// Inputs Import-RotationKey must refuse, each with its own ErrorId: always a PsCredRotateException,
/// with a message, and never with the input's base64 in the message or target.
/// </summary>
[Collection(OpenSslKeyCollection.Name)]
public sealed class BadInputCorpusTests
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    private static readonly Dictionary<string, BadCase> Cases = BuildCases();

    private readonly OpenSslKeyFiles _keys;

    public BadInputCorpusTests(OpenSslKeyFiles keys) => _keys = keys;

    private enum Via
    {
        Pem,
        Jwk,
        File,
    }

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in Cases.Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Fact]
    public void The_corpus_has_at_least_thirty_cases()
    {
        Assert.True(Cases.Count >= 30, $"{Cases.Count} cases");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_bad_input_is_refused_with_its_specific_error_id(string caseName)
    {
        BadCase c = Cases[caseName];
        Input input = c.Make(_keys);

        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() =>
        {
            using RotationKey key = input.Via switch
            {
                Via.Pem => KeyImporter.FromPem(input.Value, input.Options),
                Via.Jwk => KeyImporter.FromJwk(input.Value, input.Options),
                _ => KeyImporter.FromFile(input.Value, input.Options),
            };
        });

        Assert.Equal(c.ErrorId, ex.ErrorId);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        foreach (string secret in Base64Runs(input))
        {
            Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, ex.Target?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }
    }

    /// <summary>Every 16-character run of base64 or base64url characters in the input (text, or the base64 of a binary file).</summary>
    private static IEnumerable<string> Base64Runs(Input input)
    {
        string text = input.Value;
        if (input.Via == Via.File)
        {
            if (!System.IO.File.Exists(input.Value) || new FileInfo(input.Value).Length > TenMegabytes * 2)
            {
                yield break;
            }

            byte[] bytes = System.IO.File.ReadAllBytes(input.Value);
            text = Encoding.UTF8.GetString(bytes) + "\n" + Convert.ToBase64String(bytes);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(text, "[A-Za-z0-9+/_-]{16,}"))
        {
            // A sample of windows is enough: a leaked body would contain all of them.
            for (int i = 0; i + 16 <= m.Value.Length && i < 4096; i += 16)
            {
                string run = m.Value.Substring(i, 16);
                if (seen.Add(run))
                {
                    yield return run;
                }
            }
        }
    }

    private static Dictionary<string, BadCase> BuildCases()
    {
        var c = new Dictionary<string, BadCase>(StringComparer.Ordinal);

        // Empty, too large, missing.
        c["empty_string"] = new(ErrorIds.KeyInputEmpty, _ => Pem(string.Empty));
        c["whitespace_string"] = new(ErrorIds.KeyInputEmpty, _ => Pem("  \r\n\t \n"));
        c["whitespace_jwk"] = new(ErrorIds.KeyInputEmpty, _ => Jwk("\n   \n"));
        c["empty_file"] = new(ErrorIds.KeyInputEmpty, k => WriteFile(k, "empty.bin", Array.Empty<byte>()));
        c["whitespace_file"] = new(ErrorIds.KeyInputEmpty, k => WriteFile(k, "blank.pem", Encoding.UTF8.GetBytes("\n\n   \r\n")));
        c["ten_megabyte_pem_string"] = new(ErrorIds.KeyInputTooLarge, _ => Pem("-----BEGIN PUBLIC KEY-----\n" + new string('A', TenMegabytes) + "\n-----END PUBLIC KEY-----\n"));
        c["ten_megabyte_jwk_string"] = new(ErrorIds.KeyInputTooLarge, _ => Jwk("{\"kty\":\"RSA\",\"n\":\"" + new string('A', TenMegabytes) + "\",\"e\":\"AQAB\"}"));
        c["ten_megabyte_file"] = new(ErrorIds.KeyInputTooLarge, k => WriteFile(k, "big.pem", new byte[TenMegabytes]));
        c["missing_file"] = new(ErrorIds.KeyFileNotFound, k => File(k.Path("does-not-exist.pem")));
        c["directory_instead_of_file"] = new(ErrorIds.KeyFileNotFound, k => File(Path.GetDirectoryName(k.Path("x"))!));

        // PEM structure.
        c["pem_truncated_without_end"] = new(ErrorIds.PemTruncated, k => Pem(k.Text("rsa2048.pub.pem").Replace("-----END PUBLIC KEY-----", string.Empty, StringComparison.Ordinal)));
        c["pem_cut_in_the_middle"] = new(ErrorIds.PemTruncated, k => Pem(k.Text("rsa2048.pem").Substring(0, k.Text("rsa2048.pem").Length / 2)));
        c["pem_end_label_mismatch"] = new(ErrorIds.PemLabelMismatch, k => Pem(k.Text("rsa2048.pub.pem").Replace("END PUBLIC KEY", "END PRIVATE KEY", StringComparison.Ordinal)));
        c["pem_unknown_label"] = new(ErrorIds.PemLabelUnsupported, k => Pem(k.Text("rsa2048.pub.pem").Replace("PUBLIC KEY", "FANCY KEY", StringComparison.Ordinal)));
        c["pem_x509_crl"] = new(ErrorIds.PemLabelUnsupported, k => Pem(k.Text("rsa2048.pub.pem").Replace("PUBLIC KEY", "X509 CRL", StringComparison.Ordinal)));
        c["pem_base64_garbage"] = new(ErrorIds.PemInvalidBase64, _ => Pem("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq!!!*** not base64 ***\n-----END PUBLIC KEY-----\n"));
        c["pem_base64_bad_padding"] = new(ErrorIds.PemInvalidBase64, _ => Pem("-----BEGIN PUBLIC KEY-----\nMII=BIjA\n-----END PUBLIC KEY-----\n"));
        c["pem_empty_body"] = new(ErrorIds.PemInvalidBase64, _ => Pem("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"));
        c["pem_body_not_a_key"] = new(ErrorIds.KeyDerMalformed, _ => Pem(PemOf("PUBLIC KEY", Random(300, 0x30))));
        c["pem_private_body_not_a_key"] = new(ErrorIds.KeyDerMalformed, _ => Pem(PemOf("PRIVATE KEY", Random(300, 0x04))));
        c["pem_only_ec_parameters"] = new(ErrorIds.KeyFormatUnrecognized, k => Pem(k.Text("p256.pem").Substring(0, k.Text("p256.pem").IndexOf("-----BEGIN EC PRIVATE KEY", StringComparison.Ordinal))));
        c["text_without_pem_block"] = new(ErrorIds.KeyFormatUnrecognized, _ => Pem("this is not a key"));
        c["openssh_public_key_line"] = new(ErrorIds.KeyFormatUnrecognized, k => WriteFile(k, "id.pub", Encoding.ASCII.GetBytes("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMvQ3+7i2Z4n3kVn7rS1gF9y8b6m0oWq2bAb3c4d5e6f user@host\n")));

        // Binary input.
        c["random_binary_garbage"] = new(ErrorIds.KeyFormatUnrecognized, k => WriteFile(k, "garbage.bin", Random(2000, 0x00)));
        c["truncated_pkcs8_der"] = new(ErrorIds.KeyDerMalformed, k => WriteFile(k, "trunc.der", k.Bytes("rsa2048.der").Take(600).ToArray()));
        c["truncated_spki_der"] = new(ErrorIds.KeyDerMalformed, k => WriteFile(k, "trunc.pub.der", k.Bytes("rsa2048.pub.der").Take(100).ToArray()));
        c["der_sequence_of_nothing_known"] = new(ErrorIds.KeyFormatUnrecognized, k => WriteFile(k, "seq.der", new byte[] { 0x30, 0x06, 0x01, 0x01, 0xFF, 0x01, 0x01, 0x00 }));

        // Keys of the wrong kind.
        c["rsa_1024_key"] = new(ErrorIds.RsaKeyTooSmall, k => File(k.Path("rsa1024.pem")));
        c["dsa_key_pkcs8"] = new(ErrorIds.KeyTypeUnsupported, k => File(k.Path("dsa.pem")));
        c["dsa_key_traditional"] = new(ErrorIds.PemLabelUnsupported, k => File(k.Path("dsa.traditional.pem")));
        c["secp256k1_key"] = new(ErrorIds.EcCurveUnsupported, k => File(k.Path("secp256k1.pem")));
        c["p224_key"] = new(ErrorIds.EcCurveUnsupported, k => File(k.Path("p224.pem")));
        c["brainpool_key"] = new(ErrorIds.EcCurveUnsupported, k => File(k.Path("brainpool.pem")));
        c["x25519_key"] = new(ErrorIds.KeyTypeUnsupported, k => File(k.Path("x25519.pem")));
        c["ed448_key"] = new(ErrorIds.KeyTypeUnsupported, k => File(k.Path("ed448.pem")));
        c["openssh_private_key"] = new(ErrorIds.PemLabelUnsupported, _ => Pem(PemOf("OPENSSH PRIVATE KEY", Encoding.ASCII.GetBytes("openssh-key-v1\0").Concat(Random(200, 0)).ToArray())));

        // Combinations.
        c["key_and_certificate_mismatch"] = new(ErrorIds.CertificateKeyMismatch, k => File(k.Path("mismatch.pem")));
        c["two_different_private_keys"] = new(ErrorIds.PemMultipleKeys, k => File(k.Path("twokeys.pem")));
        c["private_key_with_another_public_key"] = new(ErrorIds.PemMultipleKeys, k => Pem(k.Text("rsa2048.pem") + k.Text("p256.pub.pem")));
        c["algorithm_not_matching_the_key"] = new(ErrorIds.AlgorithmKeyMismatch, k => File(k.Path("rsa2048.pem"), new KeyImportOptions { Algorithm = KeyAlgorithm.ES256 }));
        c["es512_for_a_p256_key"] = new(ErrorIds.AlgorithmKeyMismatch, k => File(k.Path("p256.pem"), new KeyImportOptions { Algorithm = KeyAlgorithm.ES512 }));

        // Encryption.
        c["encrypted_key_without_password"] = new(ErrorIds.KeyPasswordRequired, k => File(k.Path("rsa2048.enc.pem")));
        c["encrypted_key_wrong_password"] = new(ErrorIds.KeyPasswordIncorrect, k => File(k.Path("rsa2048.enc.pem"), WithPassword("wrong password")));
        c["encrypted_der_wrong_password"] = new(ErrorIds.KeyPasswordIncorrect, k => File(k.Path("rsa2048.enc.der"), WithPassword("Correct Horse Battery Staple")));
        c["encrypted_des3_wrong_password"] = new(ErrorIds.KeyPasswordIncorrect, k => File(k.Path("rsa2048.enc-des3-sha384.pem"), WithPassword(string.Empty)));
        c["legacy_encrypted_pem"] = new(ErrorIds.PemLegacyEncryptionUnsupported, k => File(k.Path("legacy.pem"), WithPassword(OpenSslKeyFiles.Password)));
        c["pkcs12_pbe_encrypted_key"] = new(ErrorIds.KeyEncryptionUnsupported, k => File(k.Path("pbes1.pem"), WithPassword(OpenSslKeyFiles.Password)));
        c["scrypt_encrypted_key"] = new(ErrorIds.KeyEncryptionUnsupported, k => File(k.Path("scrypt.pem"), WithPassword(OpenSslKeyFiles.Password)));
        c["pbkdf2_iteration_count_of_fifty_million"] = new(ErrorIds.KeyEncryptionUnsupported, _ => Pem(PemOf("ENCRYPTED PRIVATE KEY", HostileEncryptedKey(50_000_000))));
        c["encrypted_key_body_truncated"] = new(ErrorIds.KeyDerMalformed, k => WriteFile(k, "enc-trunc.der", k.Bytes("rsa2048.enc.der").Take(60).ToArray()));

        // JWK.
        c["jwk_invalid_json"] = new(ErrorIds.JwkInvalidJson, _ => Jwk("{\"kty\":\"RSA\", n: }"));
        c["jwk_not_an_object"] = new(ErrorIds.JwkInvalidJson, _ => Jwk("[\"kty\", \"RSA\"]"));
        c["jwk_invalid_json_file"] = new(ErrorIds.JwkInvalidJson, k => WriteFile(k, "bad.json", Encoding.UTF8.GetBytes("{\"kty\":")));
        c["jwk_missing_kty"] = new(ErrorIds.JwkMissingMember, _ => Jwk(RsaJwk().Replace("\"kty\":\"RSA\",", string.Empty, StringComparison.Ordinal)));
        c["jwk_missing_n"] = new(ErrorIds.JwkMissingMember, _ => Jwk(Without(RsaJwk(), "n")));
        c["jwk_missing_e"] = new(ErrorIds.JwkMissingMember, _ => Jwk(Without(RsaJwk(), "e")));
        c["jwk_missing_crv"] = new(ErrorIds.JwkMissingMember, _ => Jwk(Without(EcJwk(), "crv")));
        c["jwk_missing_x"] = new(ErrorIds.JwkMissingMember, _ => Jwk(Without(EcJwk(), "x")));
        c["jwk_missing_y"] = new(ErrorIds.JwkMissingMember, _ => Jwk(Without(EcJwk(), "y")));
        c["jwk_okp_missing_x"] = new(ErrorIds.JwkMissingMember, _ => Jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}"));
        c["jwk_kty_oct"] = new(ErrorIds.JwkKeyTypeUnsupported, _ => Jwk("{\"kty\":\"oct\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"}"));
        c["jwk_kty_unknown"] = new(ErrorIds.JwkKeyTypeUnsupported, _ => Jwk("{\"kty\":\"DSA\",\"y\":\"AQAB\"}"));
        c["jwk_bad_base64url"] = new(ErrorIds.JwkInvalidMember, _ => Jwk(RsaJwk().Replace("\"e\":\"AQAB\"", "\"e\":\"AQ+B/==\"", StringComparison.Ordinal)));
        c["jwk_member_not_a_string"] = new(ErrorIds.JwkInvalidMember, _ => Jwk(RsaJwk().Replace("\"e\":\"AQAB\"", "\"e\":65537", StringComparison.Ordinal)));
        c["jwk_wrong_coordinate_length"] = new(ErrorIds.JwkInvalidMember, _ => Jwk(EcJwk(xLength: 31)));
        c["jwk_point_not_on_curve"] = new(ErrorIds.EcPointInvalid, _ => Jwk(EcJwk(offCurve: true)));
        c["jwk_ec_private_d_not_matching"] = new(ErrorIds.JwkPrivateKeyInconsistent, _ => Jwk(EcJwk(foreignD: true)));
        c["jwk_okp_private_d_not_matching"] = new(ErrorIds.JwkPrivateKeyInconsistent, _ => Jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"d\":\"" + B64Url(new byte[32]) + "\"}"));
        c["jwk_rsa_private_values_of_another_key"] = new(ErrorIds.JwkPrivateKeyInconsistent, _ => Jwk(RsaPrivateJwkWithForeignPrimes()));
        c["jwk_rsa_d_without_crt_values"] = new(ErrorIds.RsaKeyInvalid, _ => Jwk(RsaJwk().TrimEnd('}') + ",\"d\":\"" + B64Url(Random(256, 0x55)) + "\"}"));
        c["jwk_rsa_1024"] = new(ErrorIds.RsaKeyTooSmall, _ => Jwk(RsaJwk(1024)));
        c["jwk_unsupported_curve"] = new(ErrorIds.EcCurveUnsupported, _ => Jwk(EcJwk().Replace("P-256", "P-192", StringComparison.Ordinal)));
        c["jwk_secp256k1_curve"] = new(ErrorIds.EcCurveUnsupported, _ => Jwk(EcJwk().Replace("P-256", "secp256k1", StringComparison.Ordinal)));
        c["jwk_okp_x25519"] = new(ErrorIds.KeyTypeUnsupported, _ => Jwk("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"));
        c["jwks_with_two_keys"] = new(ErrorIds.JwksAmbiguous, _ => Jwk("{\"keys\":[" + RsaJwk() + "," + EcJwk() + "]}"));
        c["jwks_with_no_key"] = new(ErrorIds.JwkMissingMember, _ => Jwk("{\"keys\":[]}"));
        c["jwk_alg_hs256"] = new(ErrorIds.AlgorithmUnsupported, _ => Jwk(RsaJwk().TrimEnd('}') + ",\"alg\":\"HS256\"}"));
        c["jwk_alg_not_matching_the_key"] = new(ErrorIds.AlgorithmKeyMismatch, _ => Jwk(RsaJwk().TrimEnd('}') + ",\"alg\":\"ES256\"}"));
        c["jwk_x5c_of_another_key"] = new(ErrorIds.CertificateKeyMismatch, k => Jwk(RsaJwk().TrimEnd('}') + ",\"x5c\":[\"" + Convert.ToBase64String(k.Bytes("cert.der")) + "\"]}"));
        c["jwk_x5c_not_base64"] = new(ErrorIds.JwkInvalidMember, _ => Jwk(RsaJwk().TrimEnd('}') + ",\"x5c\":[\"***\"]}"));
        return c;
    }

    private static Input Pem(string text) => new(Via.Pem, text, null);

    private static Input Jwk(string text) => new(Via.Jwk, text, null);

    private static Input File(string path, KeyImportOptions? options = null) => new(Via.File, path, options);

    private static Input WriteFile(OpenSslKeyFiles keys, string name, byte[] content)
    {
        string path = keys.Path("bad-" + name);
        System.IO.File.WriteAllBytes(path, content);
        return File(path);
    }

    private static KeyImportOptions WithPassword(string password)
    {
        SecureString secure = SecureStrings.FromString(password);
        return new KeyImportOptions { Password = secure };
    }

    /// <summary>Random bytes (fixed seed) whose first byte is <paramref name="first"/>.</summary>
    private static byte[] Random(int length, byte first)
    {
        var rng = new Random(7638);
        byte[] b = new byte[length];
        rng.NextBytes(b);
        b[0] = first;
        return b;
    }

    private static string PemOf(string label, byte[] der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";

    private static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string RsaJwk(int bits = 2048)
    {
        using RSA rsa = RSA.Create(bits);
        RSAParameters p = rsa.ExportParameters(false);
        return $"{{\"kty\":\"RSA\",\"n\":\"{B64Url(p.Modulus!)}\",\"e\":\"{B64Url(p.Exponent!)}\"}}";
    }

    private static string RsaPrivateJwkWithForeignPrimes()
    {
        using RSA a = RSA.Create(2048);
        using RSA b = RSA.Create(2048);
        RSAParameters pa = a.ExportParameters(true);
        RSAParameters pb = b.ExportParameters(true);
        return $"{{\"kty\":\"RSA\",\"n\":\"{B64Url(pa.Modulus!)}\",\"e\":\"{B64Url(pa.Exponent!)}\",\"d\":\"{B64Url(pb.D!)}\",\"p\":\"{B64Url(pb.P!)}\",\"q\":\"{B64Url(pb.Q!)}\",\"dp\":\"{B64Url(pb.DP!)}\",\"dq\":\"{B64Url(pb.DQ!)}\",\"qi\":\"{B64Url(pb.InverseQ!)}\"}}";
    }

    private static string EcJwk(int xLength = 32, bool offCurve = false, bool foreignD = false)
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ECParameters p = ec.ExportParameters(true);
        byte[] x = p.Q.X!.Take(xLength).ToArray();
        byte[] y = (byte[])p.Q.Y!.Clone();
        if (offCurve)
        {
            y[^1] ^= 0x01;
        }

        string d = string.Empty;
        if (foreignD)
        {
            using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            d = $",\"d\":\"{B64Url(other.ExportParameters(true).D!)}\"";
        }

        return $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{B64Url(x)}\",\"y\":\"{B64Url(y)}\"{d}}}";
    }

    private static string Without(string json, string member)
    {
        string result = Regex.Replace(json, $",?\"{member}\":\"[^\"]*\"", string.Empty);
        Assert.NotEqual(json, result);
        return result.Replace("{,", "{", StringComparison.Ordinal);
    }

    /// <summary>
    /// A well-formed PBES2/PBKDF2 EncryptedPrivateKeyInfo asking for an absurd iteration count:
    /// the importer must refuse it before deriving anything.
    /// </summary>
    private static byte[] HostileEncryptedKey(int iterations)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier("1.2.840.113549.1.5.13"); // PBES2
                using (w.PushSequence())
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("1.2.840.113549.1.5.12"); // PBKDF2
                        using (w.PushSequence())
                        {
                            w.WriteOctetString(new byte[16]);
                            w.WriteInteger(iterations);
                            using (w.PushSequence())
                            {
                                w.WriteObjectIdentifier("1.2.840.113549.2.9"); // hmacWithSHA256
                                w.WriteNull();
                            }
                        }
                    }

                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("2.16.840.1.101.3.4.1.42"); // aes256-CBC
                        w.WriteOctetString(new byte[16]);
                    }
                }
            }

            w.WriteOctetString(new byte[64]);
        }

        return w.Encode();
    }

    private sealed record Input(Via Via, string Value, KeyImportOptions? Options);

    private sealed record BadCase(string ErrorId, Func<OpenSslKeyFiles, Input> Make);
}
