using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class ClientAssertionTests
{
    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("PS256")]
    public async Task A_signed_assertion_with_the_credentials_alg_gets_a_token(string alg)
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, alg);

        AssertionBuilder assertion = AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid);
        assertion.Alg = alg;
        (HttpStatusCode status, JsonNode? body) = await TokenAsync(tenant, assertion.Sign());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read:data write:data", body!["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_modules_ClientAssertionFactory_and_the_emulator_agree_on_kid_and_assertion()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        (HttpStatusCode created, JsonNode? credential) = await tenant.ApiAsync(HttpMethod.Post, $"clients/{Tenant.SampleClientId}/credentials", new JsonObject
        {
            ["credential_type"] = "public_key",
            ["name"] = "module key",
            ["pem"] = key.PublicKeyPem,
            ["alg"] = "RS256",
        });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(key.Kid, credential!["kid"]!.GetValue<string>());
        await AttachIdsAsync(tenant, credential["id"]!.GetValue<string>());

        ClientAssertion assertion = ClientAssertionFactory.Create(key, Tenant.SampleClientId, tenant.TenantUrl);
        (HttpStatusCode status, JsonNode? body) = await TokenAsync(tenant, assertion.RevealCompactSerialization());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["access_token"]);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "wrong alg", "The client_assertion alg 'PS256' does not match the credential's alg 'RS256'." },
        { "wrong iss", "The client_assertion 'iss' and 'sub' claims must both be the client_id." },
        { "wrong sub", "The client_assertion 'iss' and 'sub' claims must both be the client_id." },
        { "wrong aud", "The client_assertion 'aud' claim must be '{tenant}' (the tenant URL with a trailing slash)." },
        { "no trailing slash", "The client_assertion 'aud' claim must be '{tenant}' (the tenant URL with a trailing slash)." },
        { "exp too far", "'exp' claim must specify a time that is no more than 5 minutes after 'iat'" },
        { "expired beyond skew", "The client_assertion has expired ('exp' is in the past)." },
        { "no jti", "The client_assertion must have a 'jti' claim." },
        { "unknown kid", "No credential with kid 'not-a-known-kid' is attached to the client for private_key_jwt." },
        { "bad signature", "The client_assertion signature is invalid." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_bad_assertion_is_refused_with_invalid_client(string fault, string description)
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, "RS256");
        using RSA other = RSA.Create(2048);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        AssertionBuilder a = AssertionBuilder.For(fault == "bad signature" ? other : key, Tenant.SampleClientId, tenant.TenantUrl, kid);
        switch (fault)
        {
            case "wrong alg": a.Alg = "PS256"; break;
            case "wrong iss": a.Claims["iss"] = "someone-else"; break;
            case "wrong sub": a.Claims["sub"] = "someone-else"; break;
            case "wrong aud": a.Claims["aud"] = "https://elsewhere.example/"; break;
            case "no trailing slash": a.Claims["aud"] = tenant.TenantUrl.TrimEnd('/'); break;
            case "exp too far": a.Claims["exp"] = now + 301; break;
            case "expired beyond skew": a.Claims["iat"] = now - 120; a.Claims["exp"] = now - 11; break;
            case "no jti": a.Claims.Remove("jti"); break;
            case "unknown kid": a.Kid = "not-a-known-kid"; break;
        }

        (HttpStatusCode status, JsonNode? body) = await TokenAsync(tenant, a.Sign());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", description.Replace("{tenant}", tenant.TenantUrl, StringComparison.Ordinal)), body);
    }

    [Fact]
    public async Task An_assertion_expired_within_the_10_second_skew_is_accepted()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, "RS256");
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        AssertionBuilder a = AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid);
        a.Claims["iat"] = now - 60;
        a.Claims["exp"] = now - 5;

        (HttpStatusCode status, _) = await TokenAsync(tenant, a.Sign());

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_replayed_jti_is_refused()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, "RS256");
        string assertion = AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid).Sign();

        (HttpStatusCode first, _) = await TokenAsync(tenant, assertion);
        (HttpStatusCode second, JsonNode? body) = await TokenAsync(tenant, assertion);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", "The client_assertion was already used (jti must be unique)."), body);
    }

    [Fact]
    public async Task A_credential_detached_from_the_client_no_longer_authenticates()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        using RSA second = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, "RS256");
        string secondId = await CreateAsync(tenant, second, "RS256");
        await AttachIdsAsync(tenant, secondId);

        (HttpStatusCode status, JsonNode? body) = await TokenAsync(tenant, AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid).Sign());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", $"No credential with kid '{kid}' is attached to the client for private_key_jwt."), body);
    }

    [Fact]
    public async Task An_expired_credential_is_refused()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string kid = await AttachAsync(tenant, key, "RS256");
        (_, JsonNode? list) = await tenant.GetAsync($"clients/{Tenant.SampleClientId}/credentials");
        string id = list![0]!["id"]!.GetValue<string>();
        (HttpStatusCode patched, JsonNode? credential) = await tenant.ApiAsync(HttpMethod.Patch, $"clients/{Tenant.SampleClientId}/credentials/{id}", new JsonObject { ["expires_at"] = "2020-01-01T00:00:00.000Z" });
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("2020-01-01T00:00:00.000Z", credential!["expires_at"]!.GetValue<string>());

        (HttpStatusCode status, JsonNode? body) = await TokenAsync(tenant, AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid).Sign());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", $"The credential '{kid}' expired at 2020-01-01T00:00:00.000Z."), body);
    }

    [Fact]
    public async Task A_private_key_jwt_client_may_no_longer_use_its_secret()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        await AttachAsync(tenant, key, "RS256");

        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", "The client authentication method client_secret_post is not allowed for this client; it uses private_key_jwt."), body);
    }

    internal static async Task<string> CreateAsync(Tenant tenant, RSA key, string alg)
    {
        (HttpStatusCode status, JsonNode? credential) = await tenant.ApiAsync(HttpMethod.Post, $"clients/{Tenant.SampleClientId}/credentials", new JsonObject
        {
            ["credential_type"] = "public_key",
            ["name"] = "test key",
            ["pem"] = key.ExportSubjectPublicKeyInfoPem(),
            ["alg"] = alg,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        return credential!["id"]!.GetValue<string>();
    }

    internal static async Task AttachIdsAsync(Tenant tenant, params string[] ids)
    {
        (HttpStatusCode status, _) = await tenant.ApiAsync(HttpMethod.Patch, $"clients/{Tenant.SampleClientId}", new JsonObject
        {
            ["client_authentication_methods"] = new JsonObject
            {
                ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(ids.Select(id => (JsonNode?)new JsonObject { ["id"] = id }).ToArray()) },
            },
            ["token_endpoint_auth_method"] = null,
        });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    /// <summary>Creates a credential for the key on the sample client and attaches it; returns its kid.</summary>
    private static async Task<string> AttachAsync(Tenant tenant, RSA key, string alg)
    {
        string id = await CreateAsync(tenant, key, alg);
        await AttachIdsAsync(tenant, id);
        (_, JsonNode? credential) = await tenant.GetAsync($"clients/{Tenant.SampleClientId}/credentials/{id}");
        return credential!["kid"]!.GetValue<string>();
    }

    private static Task<(HttpStatusCode Status, JsonNode? Body)> TokenAsync(Tenant tenant, string assertion) =>
        tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"),
            ("client_id", Tenant.SampleClientId),
            ("client_assertion_type", Tenant.JwtBearer),
            ("client_assertion", assertion),
            ("audience", Tenant.SampleApi)));
}
