using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Jose;

public sealed class ClientAssertionContentTests
{
    private const string ClientId = "AbCdEf0123456789client";
    private const string Audience = "https://tenant.example.auth0.com/";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 15, 42, 789, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestKeys.AllAlgorithms), MemberType = typeof(TestKeys))]
    public void The_header_is_exactly_alg_kid_and_typ_in_compact_json(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);

        var jws = CompactJws.Parse(ClientAssertionFactory.Create(key, ClientId, Audience).RevealCompactSerialization());

        Assert.Equal($"{{\"alg\":\"{algorithm}\",\"kid\":\"{key.Kid}\",\"typ\":\"JWT\"}}", jws.HeaderText);
    }

    [Theory]
    [MemberData(nameof(TestKeys.AllAlgorithms), MemberType = typeof(TestKeys))]
    public void The_claims_are_iss_sub_aud_jti_iat_nbf_exp_with_numeric_dates(KeyAlgorithm algorithm)
    {
        RotationKey key = TestKeys.For(algorithm);

        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience, null, Now);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(new[] { "iss", "sub", "aud", "jti", "iat", "nbf", "exp" }, claims.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ClientId, claims.GetProperty("iss").GetString());
        Assert.Equal(ClientId, claims.GetProperty("sub").GetString());
        Assert.Equal(JsonValueKind.String, claims.GetProperty("aud").ValueKind);
        Assert.Equal(Audience, claims.GetProperty("aud").GetString());
        Assert.Equal(assertion.JwtId, claims.GetProperty("jti").GetString());
        long expectedIat = 1_795_317_342; // 2026-11-22T03:15:42Z, milliseconds dropped
        Assert.Equal(expectedIat, Now.ToUnixTimeSeconds());
        Assert.Equal(expectedIat, claims.GetProperty("iat").GetInt64());
        Assert.Equal(expectedIat, claims.GetProperty("nbf").GetInt64());
        Assert.Equal(expectedIat + 60, claims.GetProperty("exp").GetInt64());
        Assert.Equal("1795317342", claims.GetProperty("iat").GetRawText());
    }

    [Fact]
    public void The_object_reports_the_same_values_as_the_signed_claims()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.ES256);

        ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience, TimeSpan.FromSeconds(120), Now);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(ClientId, assertion.ClientId);
        Assert.Equal(Audience, assertion.Audience);
        Assert.Equal(key.Kid, assertion.Kid);
        Assert.Equal(KeyAlgorithm.ES256, assertion.Algorithm);
        Assert.Equal(claims.GetProperty("jti").GetString(), assertion.JwtId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()), assertion.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("nbf").GetInt64()), assertion.NotBefore);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()), assertion.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 17, 42, TimeSpan.Zero), assertion.ExpiresAt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(90)]
    [InlineData(300)]
    public void Exp_minus_iat_is_the_lifetime_in_seconds(int seconds)
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, TimeSpan.FromSeconds(seconds), Now);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(seconds, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.Equal(TimeSpan.FromSeconds(seconds), assertion.ExpiresAt - assertion.IssuedAt);
    }

    [Fact]
    public void Without_a_lifetime_the_assertion_lives_60_seconds()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, null, Now);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(60, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public void A_fractional_lifetime_counts_whole_seconds()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, TimeSpan.FromMilliseconds(90_700), Now);

        Assert.Equal(TimeSpan.FromSeconds(90), assertion.ExpiresAt - assertion.IssuedAt);
    }

    [Fact]
    public void A_local_time_with_an_offset_gives_the_utc_numeric_date()
    {
        var local = new DateTimeOffset(2026, 11, 22, 5, 15, 42, TimeSpan.FromHours(2));

        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, null, local);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(1_795_317_342, claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public void Without_now_the_assertion_is_issued_at_the_current_time()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience);
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.InRange(assertion.IssuedAt.ToUnixTimeSeconds(), before, after);
    }

    [Fact]
    public void Jti_has_at_least_128_random_bits_and_1000_assertions_never_repeat_one()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.ES256);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (int i = 0; i < 1000; i++)
        {
            ClientAssertion assertion = ClientAssertionFactory.Create(key, ClientId, Audience, null, Now);
            string jti = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload().GetProperty("jti").GetString()!;
            Assert.Matches("^[A-Za-z0-9_-]{22,}$", jti);
            Assert.True(Base64Url.TryDecode(jti, out byte[] raw));
            Assert.True(raw.Length >= 16, $"jti carries {raw.Length * 8} bits");
            Assert.True(seen.Add(jti), $"jti repeated after {i} assertions");
        }

        Assert.Equal(1000, seen.Count);
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256, 256)]
    [InlineData(KeyAlgorithm.PS512, 256)]
    [InlineData(KeyAlgorithm.ES256, 64)]
    [InlineData(KeyAlgorithm.ES384, 96)]
    [InlineData(KeyAlgorithm.ES512, 132)]
    [InlineData(KeyAlgorithm.EdDSA, 64)]
    public void The_signature_has_the_jose_length_so_ecdsa_is_r_and_s_not_der(KeyAlgorithm algorithm, int length)
    {
        var jws = CompactJws.Parse(ClientAssertionFactory.Create(TestKeys.For(algorithm), ClientId, Audience).RevealCompactSerialization());

        Assert.Equal(length, jws.Signature.Length);
    }

    [Fact]
    public void Json_special_characters_in_the_client_id_are_escaped_and_read_back_unchanged()
    {
        const string odd = "client \"quoted\" \\ <tag> & é";

        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), odd, Audience);
        JsonElement claims = CompactJws.Parse(assertion.RevealCompactSerialization()).Payload();

        Assert.Equal(odd, claims.GetProperty("iss").GetString());
        Assert.Equal(odd, claims.GetProperty("sub").GetString());
    }

    [Fact]
    public void ToSecureString_holds_the_same_compact_jws()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience);

        char[] chars = SecureStrings.ToChars(assertion.ToSecureString());
        try
        {
            Assert.Equal(assertion.RevealCompactSerialization(), new string(chars));
        }
        finally
        {
            SecureStrings.Clear(chars);
        }
    }
}
