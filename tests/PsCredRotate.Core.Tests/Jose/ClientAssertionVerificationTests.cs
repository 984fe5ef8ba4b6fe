using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.IdentityModel.Tokens;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Jose;

/// <summary>Assertions verify with implementations that share no code with Core.</summary>
public sealed class ClientAssertionVerificationTests
{
    private const string ClientId = "k3Xv9QdPz0client";
    private const string Audience = "https://tenant.example.auth0.com/";

    public static TheoryData<KeyAlgorithm> IdentityModelAlgorithms() => new()
    {
        KeyAlgorithm.RS256, KeyAlgorithm.RS384, KeyAlgorithm.RS512,
        KeyAlgorithm.PS256, KeyAlgorithm.PS384, KeyAlgorithm.PS512,
        KeyAlgorithm.ES256, KeyAlgorithm.ES384, KeyAlgorithm.ES512,
    };

    [Theory]
    [MemberData(nameof(IdentityModelAlgorithms))]
    public async Task The_assertion_validates_with_IdentityModel_from_the_public_jwk(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);
        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience);

        TokenValidationResult result = await IndependentVerifier.ValidateWithIdentityModelAsync(
            assertion.RevealCompactSerialization(), IndependentVerifier.JsonWebKeyOf(key), algorithm.ToString(), ClientId, Audience);

        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal(ClientId, result.Claims["sub"]);
        Assert.Equal(assertion.JwtId, result.Claims["jti"]);
    }

    [Theory]
    [MemberData(nameof(IdentityModelAlgorithms))]
    public async Task The_assertion_validates_with_IdentityModel_from_the_public_pem_imported_by_the_platform(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);
        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience);

        TokenValidationResult result = await IndependentVerifier.ValidateWithIdentityModelAsync(
            assertion.RevealCompactSerialization(), IndependentVerifier.PlatformKeyOf(key), algorithm.ToString(), ClientId, Audience);

        Assert.True(result.IsValid, result.Exception?.ToString());
    }

    [Theory]
    [MemberData(nameof(IdentityModelAlgorithms))]
    public async Task A_tampered_payload_fails_IdentityModel_signature_validation(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);
        var jws = CompactJws.Parse(ClientAssertionFactory.Create(key, ClientId, Audience).RevealCompactSerialization());
        string tampered = jws.WithPayload(jws.PayloadText.Replace(ClientId, "someone-else", StringComparison.Ordinal));

        TokenValidationResult result = await IndependentVerifier.ValidateWithIdentityModelAsync(
            tampered, IndependentVerifier.JsonWebKeyOf(key), algorithm.ToString(), "someone-else", Audience);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception);
    }

    [Fact]
    public async Task An_expired_assertion_fails_IdentityModel_lifetime_validation()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience, TimeSpan.FromSeconds(60), DateTimeOffset.UtcNow.AddMinutes(-10));

        TokenValidationResult result = await IndependentVerifier.ValidateWithIdentityModelAsync(
            assertion.RevealCompactSerialization(), IndependentVerifier.JsonWebKeyOf(key), "RS256", ClientId, Audience);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task An_assertion_for_another_audience_fails_IdentityModel_audience_validation()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.ES256);
        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, "https://other.example.com/oauth/token");

        TokenValidationResult result = await IndependentVerifier.ValidateWithIdentityModelAsync(
            assertion.RevealCompactSerialization(), IndependentVerifier.JsonWebKeyOf(key), "ES256", ClientId, Audience);

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(result.Exception);
    }

    [Theory]
    [MemberData(nameof(TestKeys.AllAlgorithms), MemberType = typeof(TestKeys))]
    public void The_assertion_verifies_with_openssl(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);
        var jws = CompactJws.Parse(ClientAssertionFactory.Create(key, ClientId, Audience).RevealCompactSerialization());

        OpenSsl.Result result = IndependentVerifier.VerifyWithOpenSsl(key, jws.SigningInput, jws.Signature);

        Assert.True(result.ExitCode == 0, $"openssl: {result.StdOut} {result.StdErr}");
        Assert.Contains("Verified", result.StdOut, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EdDSA)]
    [InlineData(KeyAlgorithm.PS256)]
    [InlineData(KeyAlgorithm.ES256)]
    public void A_tampered_payload_fails_openssl_verification(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);
        var jws = CompactJws.Parse(ClientAssertionFactory.Create(key, ClientId, Audience).RevealCompactSerialization());
        var tampered = CompactJws.Parse(jws.WithPayload(jws.PayloadText.Replace(ClientId, "someone-else", StringComparison.Ordinal)));

        OpenSsl.Result result = IndependentVerifier.VerifyWithOpenSsl(key, tampered.SigningInput, tampered.Signature);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Failure", result.StdOut + result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_pss_signature_with_a_salt_other_than_the_hash_length_is_refused_by_openssl_so_the_salt_check_is_real()
    {
        // Sign with openssl using a 20-byte salt; the verifier pins 32 and must refuse it.
        RotationKey key = TestKeys.Create(KeyAlgorithm.PS256);
        using var dir = new TempDir();
        string priv = dir.Write("key.pem", Pem.Encode(Pem.PrivateKeyLabel, key.Material.ExportPkcs8PrivateKey()));
        string data = dir.Write("data", "payload");
        OpenSsl.Run("dgst", "-sha256", "-sign", priv, "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20", "-out", dir.File("sig"), data).EnsureSuccess();

        OpenSsl.Result result = IndependentVerifier.VerifyWithOpenSsl(key, System.IO.File.ReadAllBytes(data), System.IO.File.ReadAllBytes(dir.File("sig")));

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void The_es256_der_conversion_used_for_openssl_matches_the_platform_encoding()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        byte[] data = new byte[] { 1, 2, 3 };
        byte[] jose = ecdsa.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256);

        byte[] der = IndependentVerifier.EcdsaJoseToDer(jose);

        Assert.True(ecdsa.VerifyData(data, der, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void The_header_kid_is_the_rfc7638_thumbprint_IdentityModel_computes_for_the_key()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        JsonElement header = CompactJws.Parse(ClientAssertionFactory.Create(key, ClientId, Audience).RevealCompactSerialization()).Header();

        string independent = Base64UrlEncoder.Encode(IndependentVerifier.JsonWebKeyOf(key).ComputeJwkThumbprint());

        Assert.Equal(independent, header.GetProperty("kid").GetString());
    }
}
