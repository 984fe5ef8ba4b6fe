using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class TokenEndpointTests
{
    [Fact]
    public async Task A_client_secret_post_gets_an_RS256_token_signed_by_the_current_signing_key()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body!["token_type"]!.GetValue<string>());
        Assert.Equal(86400, body["expires_in"]!.GetValue<int>());
        Assert.Equal("read:data write:data", body["scope"]!.GetValue<string>());

        string token = body["access_token"]!.GetValue<string>();
        JsonObject header = AssertionBuilder.Decode(token, 0);
        JsonObject claims = AssertionBuilder.Decode(token, 1);
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(tenant.TenantUrl, claims["iss"]!.GetValue<string>());
        Assert.Equal(Tenant.SampleClientId + "@clients", claims["sub"]!.GetValue<string>());
        Assert.Equal(Tenant.SampleApi, claims["aud"]!.GetValue<string>());
        Assert.Equal("read:data write:data", claims["scope"]!.GetValue<string>());
        Assert.Equal("client-credentials", claims["gty"]!.GetValue<string>());
        Assert.Equal(Tenant.SampleClientId, claims["azp"]!.GetValue<string>());
        Assert.Equal(86400, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());

        // The kid is the current signing key's, and its certificate in the JWKS verifies the signature.
        (_, JsonNode? keys) = await tenant.GetAsync("keys/signing");
        string currentKid = keys!.AsArray().Single(k => k!["current"] is not null)!["kid"]!.GetValue<string>();
        Assert.Equal(currentKid, header["kid"]!.GetValue<string>());
        JsonNode jwks = JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/jwks.json"))!;
        JsonNode jwk = jwks["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == currentKid)!;
        using var cert = new X509Certificate2(Convert.FromBase64String(jwk["x5c"]![0]!.GetValue<string>()));
        using RSA rsa = cert.GetRSAPublicKey()!;
        string[] parts = token.Split('.');
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Convert.FromBase64String(Pad(parts[2])), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task A_client_secret_basic_header_is_accepted()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode patched, _) = await tenant.ApiAsync(HttpMethod.Patch, "clients/" + Tenant.SampleClientId, new JsonObject { ["token_endpoint_auth_method"] = "client_secret_basic" });
        Assert.Equal(HttpStatusCode.OK, patched);
        string sampleBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Tenant.SampleClientId + ":" + Tenant.SampleSecret));

        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(
            Tenant.Form(("grant_type", "client_credentials"), ("audience", Tenant.SampleApi)),
            new AuthenticationHeaderValue("Basic", sampleBasic));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["access_token"]);

        // The same client may no longer send its secret in the body.
        (HttpStatusCode postStatus, JsonNode? postBody) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));
        Assert.Equal(HttpStatusCode.Unauthorized, postStatus);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", "The client authentication method client_secret_post is not allowed for this client; it uses client_secret_basic."), postBody);
    }

    [Fact]
    public async Task A_JSON_body_is_accepted_as_Auth0_does()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        var json = new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Tenant.SampleClientId,
            ["client_secret"] = Tenant.SampleSecret,
            ["audience"] = Tenant.SampleApi,
        };
        using HttpResponseMessage response = await tenant.Http.PostAsync("oauth/token", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_or_unknown_client_is_refused_with_access_denied()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", "wrong"), ("audience", Tenant.SampleApi)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("access_denied", "Unauthorized"), body);

        (status, body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", "x"), ("audience", Tenant.SampleApi)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("access_denied", "Unauthorized"), body);
    }

    [Fact]
    public async Task An_audience_without_a_client_grant_or_unknown_is_refused_with_access_denied()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", tenant.ManagementAudience)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.OAuth("access_denied", $"Client is not authorized to access \"{tenant.ManagementAudience}\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants"), body);

        (status, body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", "https://nowhere.example")));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.OAuth("access_denied", "Service not enabled within domain: https://nowhere.example"), body);

        (status, body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.OAuth("access_denied", "No audience parameter was provided, and no default audience has been configured"), body);
    }

    [Fact]
    public async Task A_missing_or_unsupported_grant_type_is_a_bad_request()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(("client_id", Tenant.SampleClientId)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_request", "Missing required parameter: grant_type"), body);

        (status, body) = await tenant.TokenAsync(Tenant.Form(("grant_type", "password"), ("client_id", Tenant.SampleClientId)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.OAuth("unsupported_grant_type", "Unsupported grant type: password"), body);
    }

    [Fact]
    public async Task Discovery_names_the_token_endpoint_and_private_key_jwt()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        JsonNode doc = JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/openid-configuration"))!;
        Assert.Equal(tenant.TenantUrl, doc["issuer"]!.GetValue<string>());
        Assert.Equal(tenant.TenantUrl + "oauth/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal(tenant.TenantUrl + ".well-known/jwks.json", doc["jwks_uri"]!.GetValue<string>());
        Assert.Contains("private_key_jwt", doc["token_endpoint_auth_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(new[] { "RS256", "RS384", "PS256" }, doc["token_endpoint_auth_signing_alg_values_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
