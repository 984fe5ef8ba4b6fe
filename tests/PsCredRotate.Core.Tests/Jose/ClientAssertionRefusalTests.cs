using System;
using System.Text.Json;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Jose;

public sealed class ClientAssertionRefusalTests
{
    private const string ClientId = "client-1";
    private const string Audience = "https://tenant.example.auth0.com/";

    [Fact]
    public void A_null_key_is_refused_with_SigningKeyRequired()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(null!, ClientId, Audience));

        Assert.Equal(ErrorIds.SigningKeyRequired, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Null(ex.Target);
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256)]
    [InlineData(KeyAlgorithm.ES256)]
    [InlineData(KeyAlgorithm.EdDSA)]
    public void A_public_only_key_is_refused_with_SigningKeyRequired_naming_the_kid(KeyAlgorithm algorithm)
    {
        using RotationKey publicOnly = TestKeys.For(algorithm).ToPublicKey();

        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(publicOnly, ClientId, Audience));

        Assert.Equal(ErrorIds.SigningKeyRequired, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(publicOnly.Kid, ex.Target);
        Assert.Contains(publicOnly.Kid, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    [InlineData("client\nid")]
    [InlineData("client\u0000")]
    public void An_empty_or_control_character_client_id_is_refused_with_AssertionClientIdInvalid(string? clientId)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), clientId!, Audience));

        Assert.Equal(ErrorIds.AssertionClientIdInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tenant.example.auth0.com")]
    [InlineData("/oauth/token")]
    [InlineData("ftp://tenant.example.auth0.com/")]
    [InlineData("urn:example:audience")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://tenant.example.auth0.com/#fragment")]
    [InlineData(" https://tenant.example.auth0.com/")]
    [InlineData("https:///oauth/token")]
    public void An_audience_that_is_not_an_absolute_http_uri_is_refused_with_AssertionAudienceInvalid(string? audience)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, audience!));

        Assert.Equal(ErrorIds.AssertionAudienceInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(audience, ex.Target);
    }

    [Theory]
    [InlineData("https://tenant.example.auth0.com/")]
    [InlineData("https://tenant.example.auth0.com/oauth/token")]
    [InlineData("http://127.0.0.1:5080/oauth/token")]
    [InlineData("HTTPS://Tenant.Example.com/token?x=1&y=2")]
    public void An_absolute_http_or_https_audience_is_written_exactly_as_given(string audience)
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, audience);

        Assert.Equal(audience, CompactJws.Parse(assertion.RevealCompactSerialization()).Payload().GetProperty("aud").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1_000)]
    [InlineData(999)]
    [InlineData(300_001)]
    [InlineData(3_600_000)]
    public void A_lifetime_outside_1_second_to_5_minutes_is_refused_with_AssertionLifetimeOutOfRange(int milliseconds)
    {
        var lifetime = TimeSpan.FromMilliseconds(milliseconds);

        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, lifetime));

        Assert.Equal(ErrorIds.AssertionLifetimeOutOfRange, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(lifetime, ex.Target);
    }

    [Fact]
    public void The_largest_lifetimes_are_refused_without_overflow()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, TimeSpan.MaxValue));

        Assert.Equal(ErrorIds.AssertionLifetimeOutOfRange, ex.ErrorId);
    }

    [Fact]
    public void Exactly_5_minutes_is_accepted()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.ES256), ClientId, Audience, ClientAssertionFactory.MaximumLifetime);

        Assert.Equal(TimeSpan.FromMinutes(5), assertion.ExpiresAt - assertion.IssuedAt);
    }

    [Fact]
    public void The_key_is_checked_before_the_other_arguments()
    {
        using RotationKey publicOnly = TestKeys.For(KeyAlgorithm.ES256).ToPublicKey();

        var ex = Assert.Throws<PsCredRotateException>(() => ClientAssertionFactory.Create(publicOnly, string.Empty, "not a uri", TimeSpan.Zero));

        Assert.Equal(ErrorIds.SigningKeyRequired, ex.ErrorId);
    }

    [Fact]
    public void ToString_does_not_contain_the_compact_jws_or_any_of_its_segments()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.RS256), ClientId, Audience);
        string compact = assertion.RevealCompactSerialization();
        string[] segments = compact.Split('.');

        string text = assertion.ToString();

        Assert.Contains(ClientId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(compact, text, StringComparison.Ordinal);
        foreach (string segment in segments)
        {
            Assert.DoesNotContain(segment, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_serialization_of_the_object_does_not_contain_the_compact_jws()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.RS256), ClientId, Audience);
        string compact = assertion.RevealCompactSerialization();

        string json = JsonSerializer.Serialize(assertion);

        Assert.Contains(assertion.JwtId, json, StringComparison.Ordinal);
        Assert.DoesNotContain(compact, json, StringComparison.Ordinal);
        foreach (string segment in compact.Split('.'))
        {
            Assert.DoesNotContain(segment, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_serialization_including_fields_does_not_contain_the_compact_jws()
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(TestKeys.For(KeyAlgorithm.RS256), ClientId, Audience);
        string signature = assertion.RevealCompactSerialization().Split('.')[2];

        string json = JsonSerializer.Serialize(assertion, new JsonSerializerOptions { IncludeFields = true });

        Assert.DoesNotContain(signature, json, StringComparison.Ordinal);
    }
}
