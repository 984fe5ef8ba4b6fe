using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

public sealed class CertificateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 30, 15, 250, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    [InlineData(KeyAlgorithm.PS256)]
    public void Openssl_fingerprints_agree_with_the_certificate_thumbprints(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm, certificate: true);
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);

        string sha1 = Fingerprint(OpenSsl.Run("x509", "-in", cert, "-noout", "-fingerprint", "-sha1").EnsureSuccess().StdOut);
        string sha256 = Fingerprint(OpenSsl.Run("x509", "-in", cert, "-noout", "-fingerprint", "-sha256").EnsureSuccess().StdOut);

        Assert.Equal(sha1, key.CertificateThumbprint);
        Assert.Matches("^[0-9A-F]{40}$", key.CertificateThumbprint!);
        Assert.Equal(Base64Url.Encode(Convert.FromHexString(sha256)), key.CertificateThumbprintSha256);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.OnePerKeyKind), MemberType = typeof(GeneratedKeyFixtures))]
    [InlineData(KeyAlgorithm.PS384)]
    public void Openssl_verifies_the_self_signed_certificate_and_reads_its_public_key(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm, certificate: true);
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);

        OpenSsl.Result verify = OpenSsl.Run("verify", "-CAfile", cert, cert);
        string pubkey = OpenSsl.Run("x509", "-in", cert, "-noout", "-pubkey").EnsureSuccess().StdOut;

        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.Contains(": OK", verify.StdOut, StringComparison.Ordinal);
        Assert.Equal(GeneratedKeyFixtures.PemDer(key.PublicKeyPem, "PUBLIC KEY"), GeneratedKeyFixtures.PemDer(pubkey, "PUBLIC KEY"));
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256, "sha256WithRSAEncryption")]
    [InlineData(KeyAlgorithm.PS512, "sha256WithRSAEncryption")]
    [InlineData(KeyAlgorithm.ES256, "ecdsa-with-SHA256")]
    [InlineData(KeyAlgorithm.ES384, "ecdsa-with-SHA384")]
    [InlineData(KeyAlgorithm.ES512, "ecdsa-with-SHA512")]
    [InlineData(KeyAlgorithm.EdDSA, "ED25519")]
    public void The_certificate_is_a_v3_leaf_signed_with_the_algorithm_that_fits_the_key(KeyAlgorithm algorithm, string signatureAlgorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm, certificate: true);

        string text = OpenSslText(key);

        Assert.Contains("Signature Algorithm: " + signatureAlgorithm, text, StringComparison.Ordinal);
        Assert.Contains("Version: 3 (0x2)", text, StringComparison.Ordinal);
        Assert.Matches(@"X509v3 Basic Constraints: critical\s+CA:FALSE", text);
        Assert.Matches(@"X509v3 Key Usage: critical\s+Digital Signature\s*\n", text);
        Assert.Contains("X509v3 Subject Key Identifier", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_and_end_date_are_as_requested_in_whole_utc_seconds()
    {
        var notAfter = new DateTimeOffset(2028, 2, 29, 23, 59, 58, 900, TimeSpan.FromHours(2));
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.ES256,
            Certificate = true,
            Subject = "CN=billing-api,O=Example Corp,C=DE",
            NotAfter = notAfter,
            Now = Now,
        });
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);

        string subject = OpenSsl.Run("x509", "-in", cert, "-noout", "-subject", "-nameopt", "RFC2253").EnsureSuccess().StdOut.Trim();
        string endDate = OpenSsl.Run("x509", "-in", cert, "-noout", "-enddate").EnsureSuccess().StdOut.Trim();
        string startDate = OpenSsl.Run("x509", "-in", cert, "-noout", "-startdate").EnsureSuccess().StdOut.Trim();

        Assert.Equal("subject=C=DE,O=Example Corp,CN=billing-api", subject);
        Assert.Equal("notAfter=Feb 29 21:59:58 2028 GMT", endDate);
        Assert.Equal("notBefore=Nov 22 03:25:15 2026 GMT", startDate);
        Assert.Equal(new DateTimeOffset(2028, 2, 29, 21, 59, 58, TimeSpan.Zero), key.NotAfter);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 25, 15, TimeSpan.Zero), key.NotBefore);
    }

    [Fact]
    public void Without_a_subject_the_common_name_is_the_key_name()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true, Name = "orders, EU" });

        Assert.Contains(@"subject=CN=orders\, EU", OpenSslSubject(key), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_subject_or_a_name_the_common_name_is_PsCredRotate()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true });

        Assert.Equal("subject=CN=PsCredRotate", OpenSslSubject(key));
    }

    [Fact]
    public void The_default_validity_is_one_year_from_now_with_five_minutes_of_clock_skew()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256, Certificate = true, Now = Now });

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 25, 15, TimeSpan.Zero), key.NotBefore);
        Assert.Equal(new DateTimeOffset(2027, 11, 22, 3, 30, 15, TimeSpan.Zero), key.NotAfter);
    }

    [Fact]
    public void ValidFor_counts_from_now()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256, Certificate = true, Now = Now, ValidFor = TimeSpan.FromDays(30) });

        Assert.Equal(new DateTimeOffset(2026, 12, 22, 3, 30, 15, TimeSpan.Zero), key.NotAfter);
    }

    [Fact]
    public void A_far_end_date_beyond_2049_is_written_and_read_back()
    {
        var notAfter = new DateTimeOffset(2060, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true, NotAfter = notAfter });
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);

        Assert.Equal(notAfter, key.NotAfter);
        Assert.Equal("notAfter=Jan  2 03:04:05 2060 GMT", OpenSsl.Run("x509", "-in", cert, "-noout", "-enddate").EnsureSuccess().StdOut.Trim());
    }

    [Fact]
    public void The_serial_is_positive_random_and_at_least_64_bits()
    {
        using RotationKey a = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true });
        using RotationKey b = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true });

        System.Numerics.BigInteger serialA = Serial(a);
        System.Numerics.BigInteger serialB = Serial(b);

        Assert.True(serialA.Sign > 0);
        Assert.True(serialA >= System.Numerics.BigInteger.Pow(2, 64), serialA.ToString(CultureInfo.InvariantCulture));
        Assert.NotEqual(serialA, serialB);
    }

    [Fact]
    public void The_certificate_signature_verifies_with_the_platform()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES384, certificate: true);
        using var cert = new System.Security.Cryptography.X509Certificates.X509Certificate2(GeneratedKeyFixtures.PemDer(key.CertificatePem!, "CERTIFICATE"));
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(cert);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;

        Assert.True(chain.Build(cert), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(key.CertificateThumbprint, cert.Thumbprint);
    }

    [Theory]
    [InlineData("not a distinguished name")]
    [InlineData("FOO=bar")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("CN=")]
    [InlineData("=value")]
    public void A_malformed_subject_is_refused_with_CertificateSubjectInvalid(string subject)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA, Certificate = true, Subject = subject }));

        Assert.Equal(ErrorIds.CertificateSubjectInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void NotAfter_and_ValidFor_together_are_refused_with_CertificateValidityInvalid()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.EdDSA,
            Certificate = true,
            Now = Now,
            NotAfter = Now.AddDays(10),
            ValidFor = TimeSpan.FromDays(10),
        }));

        Assert.Equal(ErrorIds.CertificateValidityInvalid, ex.ErrorId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-86400)]
    public void A_NotAfter_that_is_not_after_now_is_refused_with_CertificateValidityInvalid(int secondsFromNow)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.EdDSA,
            Certificate = true,
            Now = Now,
            NotAfter = Now.AddSeconds(secondsFromNow),
        }));

        Assert.Equal(ErrorIds.CertificateValidityInvalid, ex.ErrorId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void A_ValidFor_that_is_not_positive_is_refused_with_CertificateValidityInvalid(int seconds)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.EdDSA,
            Certificate = true,
            ValidFor = TimeSpan.FromSeconds(seconds),
        }));

        Assert.Equal(ErrorIds.CertificateValidityInvalid, ex.ErrorId);
    }

    [Fact]
    public void A_ValidFor_beyond_the_year_9999_is_refused_with_CertificateValidityInvalid()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.EdDSA,
            Certificate = true,
            ValidFor = TimeSpan.MaxValue,
        }));

        Assert.Equal(ErrorIds.CertificateValidityInvalid, ex.ErrorId);
    }

    private static string Fingerprint(string openSslOutput)
    {
        // "sha1 Fingerprint=AB:CD:..." (the prefix's case differs between openssl versions)
        string value = openSslOutput.Trim();
        return value.Substring(value.IndexOf('=', StringComparison.Ordinal) + 1).Replace(":", string.Empty, StringComparison.Ordinal);
    }

    private static string OpenSslText(RotationKey key)
    {
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);
        return OpenSsl.Run("x509", "-in", cert, "-noout", "-text").EnsureSuccess().StdOut;
    }

    private static string OpenSslSubject(RotationKey key)
    {
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);
        return OpenSsl.Run("x509", "-in", cert, "-noout", "-subject", "-nameopt", "RFC2253").EnsureSuccess().StdOut.Trim();
    }

    private static System.Numerics.BigInteger Serial(RotationKey key)
    {
        using var dir = new TempDir();
        string cert = dir.Write("cert.pem", key.CertificatePem!);
        string line = OpenSsl.Run("x509", "-in", cert, "-noout", "-serial").EnsureSuccess().StdOut.Trim();
        Match m = Regex.Match(line, "^serial=([0-9A-F]+)$");
        Assert.True(m.Success, line);
        return System.Numerics.BigInteger.Parse("0" + m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
