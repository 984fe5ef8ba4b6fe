using System;
using System.Text.Json;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Jose;

public sealed class JwsCompactTests
{
    [Theory]
    [InlineData(KeyAlgorithm.RS256, "RS256")]
    [InlineData(KeyAlgorithm.RS384, "RS384")]
    [InlineData(KeyAlgorithm.RS512, "RS512")]
    [InlineData(KeyAlgorithm.PS256, "PS256")]
    [InlineData(KeyAlgorithm.PS384, "PS384")]
    [InlineData(KeyAlgorithm.PS512, "PS512")]
    [InlineData(KeyAlgorithm.ES256, "ES256")]
    [InlineData(KeyAlgorithm.ES384, "ES384")]
    [InlineData(KeyAlgorithm.ES512, "ES512")]
    [InlineData(KeyAlgorithm.EdDSA, "EdDSA")]
    public void Each_algorithm_has_its_rfc_7518_or_8037_alg_name(KeyAlgorithm algorithm, string name)
    {
        Assert.Equal(name, JwsCompact.AlgorithmName(algorithm));
    }

    [Fact]
    public void An_undefined_algorithm_value_has_no_alg_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JwsCompact.AlgorithmName((KeyAlgorithm)99));
    }

    [Fact]
    public void Alg_comes_first_then_the_callers_header_members_and_the_payload_is_the_callers_object()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.ES256);

        string compact = JwsCompact.Sign(
            key.Material,
            KeyAlgorithm.ES256,
            h => h.WriteString("typ", "at+jwt"),
            p =>
            {
                p.WriteString("scope", "read:keys");
                p.WriteNumber("n", 7);
            });
        var jws = CompactJws.Parse(compact);

        Assert.Equal("{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}", jws.HeaderText);
        Assert.Equal("{\"scope\":\"read:keys\",\"n\":7}", jws.PayloadText);
        Assert.True(key.Material.Verify(KeyAlgorithm.ES256, jws.SigningInput, jws.Signature));
    }

    [Fact]
    public void The_signature_covers_the_ascii_of_the_two_encoded_segments_joined_by_a_dot()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.EdDSA);

        var jws = CompactJws.Parse(JwsCompact.Sign(key.Material, KeyAlgorithm.EdDSA, "{\"alg\":\"EdDSA\"}"u8.ToArray(), "hello"u8.ToArray()));

        Assert.Equal("eyJhbGciOiJFZERTQSJ9", jws.Segments[0]);
        Assert.Equal("aGVsbG8", jws.Segments[1]);
        Assert.True(key.Material.Verify(KeyAlgorithm.EdDSA, "eyJhbGciOiJFZERTQSJ9.aGVsbG8"u8.ToArray(), jws.Signature));
    }

    [Fact]
    public void A_key_of_another_type_cannot_sign_and_the_error_is_AlgorithmKeyMismatch()
    {
        RotationKey rsa = TestKeys.For(KeyAlgorithm.RS256);

        var ex = Assert.Throws<PsCredRotateException>(() => JwsCompact.Sign(rsa.Material, KeyAlgorithm.ES256, _ => { }, _ => { }));

        Assert.Equal(ErrorIds.AlgorithmKeyMismatch, ex.ErrorId);
    }

    [Fact]
    public void Written_objects_have_no_whitespace()
    {
        byte[] json = JwsCompact.WriteObject(w =>
        {
            w.WriteString("a", "b");
            w.WriteStartArray("c");
            w.WriteNumberValue(1);
            w.WriteNumberValue(2);
            w.WriteEndArray();
        });

        Assert.Equal("{\"a\":\"b\",\"c\":[1,2]}", System.Text.Encoding.UTF8.GetString(json));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.ValueKind);
    }

    [Fact]
    public void Only_what_json_requires_is_escaped()
    {
        byte[] json = JwsCompact.WriteObject(w => w.WriteString("v", "a+b&c<d> \"q\" \\ \u0001 é"));

        Assert.Equal("{\"v\":\"a+b&c<d> \\\"q\\\" \\\\ \\u0001 é\"}", System.Text.Encoding.UTF8.GetString(json));
        Assert.Equal("a+b&c<d> \"q\" \\ \u0001 é", JsonDocument.Parse(json).RootElement.GetProperty("v").GetString());
    }
}
