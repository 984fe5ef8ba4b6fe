using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class SigningKeyTests
{
    [Fact]
    public async Task A_new_tenant_has_a_current_and_a_next_key_with_real_certificates_and_Auth0s_formats()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? keys) = await tenant.GetAsync("keys/signing");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray array = keys!.AsArray();
        Assert.Equal(2, array.Count);
        JsonNode current = array.Single(k => k!["current"] is not null)!;
        JsonNode next = array.Single(k => k!["next"] is not null)!;
        Assert.NotNull(current["current_since"]);
        Assert.Null(next["current_since"]);

        foreach (JsonNode key in new[] { current, next })
        {
            string cert = key["cert"]!.GetValue<string>();
            Assert.Contains("-----BEGIN CERTIFICATE-----\r\n", cert, StringComparison.Ordinal);
            using X509Certificate2 parsed = X509Certificate2.CreateFromPem(cert);
            string sha1 = Convert.ToHexString(SHA1.HashData(parsed.RawData));
            Assert.Equal(sha1, key["thumbprint"]!.GetValue<string>());
            Assert.Equal(string.Join(':', Enumerable.Range(0, 20).Select(i => sha1.Substring(i * 2, 2))), key["fingerprint"]!.GetValue<string>());
            Assert.Equal(AssertionBuilder.B64(Encoding.ASCII.GetBytes(sha1)), key["kid"]!.GetValue<string>());
            Assert.StartsWith("-----BEGIN PKCS7-----", key["pkcs7"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        (status, JsonNode? one) = await tenant.GetAsync("keys/signing/" + current["kid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
        Tenant.AssertJson(current, one);

        JsonNode jwks = JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/jwks.json"))!;
        JsonNode jwk = jwks["keys"]![0]!;
        Assert.Equal(current["kid"]!.GetValue<string>(), jwk["kid"]!.GetValue<string>());
        Assert.Equal(jwk["kid"]!.GetValue<string>(), jwk["x5t"]!.GetValue<string>());
        Assert.Equal("RS256", jwk["alg"]!.GetValue<string>());
        Assert.Equal("sig", jwk["use"]!.GetValue<string>());
        Assert.Equal("RSA", jwk["kty"]!.GetValue<string>());
        Assert.Equal("AQAB", jwk["e"]!.GetValue<string>());
        Assert.Equal(2, jwks["keys"]!.AsArray().Count);
    }

    [Fact]
    public async Task Rotate_makes_next_current_and_current_previous_and_revoke_removes_it_from_the_JWKS()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (_, JsonNode? before) = await tenant.GetAsync("keys/signing");
        string k1 = before!.AsArray().Single(k => k!["current"] is not null)!["kid"]!.GetValue<string>();
        string k2 = before.AsArray().Single(k => k!["next"] is not null)!["kid"]!.GetValue<string>();

        (HttpStatusCode status, JsonNode? rotated) = await tenant.ApiAsync(HttpMethod.Post, "keys/signing/rotate");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(new[] { "cert", "kid" }, rotated!.AsObject().Select(p => p.Key).Order());
        string k3 = rotated["kid"]!.GetValue<string>();

        (_, JsonNode? after) = await tenant.GetAsync("keys/signing");
        JsonNode Find(string kid) => after!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        Assert.True(Find(k1)["previous"]!.GetValue<bool>());
        Assert.NotNull(Find(k1)["current_until"]);
        Assert.True(Find(k2)["current"]!.GetValue<bool>());
        Assert.True(Find(k3)["next"]!.GetValue<bool>());
        Assert.Equal(new[] { k1, k2, k3 }.Order(), Kids(JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/jwks.json"))!).Order());

        // New tokens are signed by the new current key.
        (_, JsonNode? token) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));
        Assert.Equal(k2, AssertionBuilder.Decode(token!["access_token"]!.GetValue<string>(), 0)["kid"]!.GetValue<string>());

        // Only the previous key may be revoked.
        string beforeRefusals = await tenant.SnapshotAsync("keys/signing");
        foreach (string kid in new[] { k2, k3 })
        {
            (status, JsonNode? refused) = await tenant.ApiAsync(HttpMethod.Put, $"keys/signing/{kid}/revoke");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Only the previous signing key can be revoked.", "invalid_request"), refused);
        }

        (status, JsonNode? missing) = await tenant.ApiAsync(HttpMethod.Put, "keys/signing/unknown-kid/revoke");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Tenant.AssertJson(Tenant.Error(404, "Not Found", "Signing key not found", "not_found"), missing);
        Assert.Equal(beforeRefusals, await tenant.SnapshotAsync("keys/signing"));

        (status, JsonNode? revoked) = await tenant.ApiAsync(HttpMethod.Put, $"keys/signing/{k1}/revoke");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(k1, revoked!["kid"]!.GetValue<string>());
        Assert.Equal(new[] { k2, k3 }.Order(), Kids(JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/jwks.json"))!).Order());

        // The cached management token was signed by k1: it stops working; a new one is signed by k2.
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("keys/signing")).Status);
        tenant.ForgetManagementToken();
        (_, JsonNode? k1After) = await tenant.GetAsync("keys/signing/" + k1);
        Assert.True(k1After!["revoked"]!.GetValue<bool>());
        Assert.NotNull(k1After["revoked_at"]);

        // A revoked key cannot be revoked again.
        (status, _) = await tenant.ApiAsync(HttpMethod.Put, $"keys/signing/{k1}/revoke");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    private static IEnumerable<string> Kids(JsonNode jwks) => jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>());
}
