using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class ManagementAuthTests
{
    [Fact]
    public async Task A_request_without_a_token_is_401_missing_authentication()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using HttpResponseMessage response = await tenant.Http.GetAsync("api/v2/clients");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Tenant.AssertJson(Tenant.Error(401, "Unauthorized", "Missing authentication", null), JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_malformed_token_is_401_invalid_token()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "clients", token: "not.a.jwt");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.Error(401, "Unauthorized", "Invalid token", null), body);
    }

    [Fact]
    public async Task A_token_for_another_API_is_401_invalid_token()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (_, JsonNode? token) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "clients", token: token!["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.Error(401, "Unauthorized", "Invalid token", null), body);
    }

    [Fact]
    public async Task A_token_with_a_forged_signature_is_401()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        string[] parts = (await tenant.ManagementTokenAsync()).Split('.');
        string forged = parts[0] + "." + parts[1] + "." + AssertionBuilder.B64(new byte[256]);
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "clients", token: forged);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.Error(401, "Unauthorized", "Invalid signature received for JSON Web Token validation", null), body);
    }

    [Fact]
    public async Task A_token_signed_by_a_revoked_key_is_refused()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        string oldToken = await tenant.ManagementTokenAsync();
        string oldKid = AssertionBuilder.Decode(oldToken, 0)["kid"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Created, (await tenant.ApiAsync(HttpMethod.Post, "keys/signing/rotate")).Status);

        // Still valid while the previous key is not revoked.
        Assert.Equal(HttpStatusCode.OK, (await tenant.ApiAsync(HttpMethod.Get, "keys/signing", token: oldToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await tenant.ApiAsync(HttpMethod.Put, $"keys/signing/{oldKid}/revoke", token: oldToken)).Status);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "keys/signing", token: oldToken);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.Error(401, "Unauthorized", "Invalid signature received for JSON Web Token validation", null), body);
    }

    [Fact]
    public async Task A_token_missing_the_endpoints_scope_is_403_naming_it()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.SeedPath = SeedFiles.Write(new JsonObject
        {
            ["resource_servers"] = new JsonArray(),
            ["clients"] = new JsonArray(new JsonObject
            {
                ["client_id"] = "narrow",
                ["client_secret"] = "narrow-secret",
                ["name"] = "Narrow",
                ["app_type"] = "non_interactive",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
            }),
            ["client_grants"] = new JsonArray(new JsonObject { ["client_id"] = "narrow", ["audience"] = "{tenant}/api/v2/", ["scope"] = new JsonArray("read:clients") }),
        }));
        (_, JsonNode? tokenBody) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", "narrow"), ("client_secret", "narrow-secret"), ("audience", tenant.ManagementAudience)));
        string token = tokenBody!["access_token"]!.GetValue<string>();
        Assert.Equal("read:clients", tokenBody["scope"]!.GetValue<string>());

        (HttpStatusCode ok, JsonNode? clients) = await tenant.ApiAsync(HttpMethod.Get, "clients/narrow", token: token);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Null(clients!["client_secret"]);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "keys/signing", token: token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.Error(403, "Forbidden", "Insufficient scope, expected any of: read:signing_keys", "insufficient_scope"), body);

        (status, body) = await tenant.ApiAsync(HttpMethod.Post, "keys/signing/rotate", token: token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.Error(403, "Forbidden", "Insufficient scope, expected all of: create:signing_keys, update:signing_keys", "insufficient_scope"), body);

        (status, body) = await tenant.ApiAsync(HttpMethod.Get, "clients/narrow/credentials", token: token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.Error(403, "Forbidden", "Insufficient scope, expected any of: read:client_credentials", "insufficient_scope"), body);
    }
}

/// <summary>Seed files written to the temp directory for a test.</summary>
internal static class SeedFiles
{
    public static string Write(JsonObject seed)
    {
        string path = Path.Combine(Path.GetTempPath(), "emu-seed-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, seed.ToJsonString());
        return path;
    }
}
