using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class ConnectionKeyTests
{
    private const string Oidc = "con_oidcSample00001";
    private const string Okta = "con_oktaSample00001";
    private const string Database = "con_dbSample0000001";

    [Fact]
    public async Task The_default_tenant_lists_its_three_connections()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? list) = await tenant.GetAsync("connections");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { "oidc", "okta", "auth0" }, list!.AsArray().Select(c => c!["strategy"]!.GetValue<string>()));

        (status, JsonNode? paged) = await tenant.GetAsync("connections?include_totals=true&per_page=1&page=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, paged!["total"]!.GetValue<int>());
        Assert.Equal(Okta, Assert.Single(paged["connections"]!.AsArray())!["id"]!.GetValue<string>());

        (status, JsonNode? one) = await tenant.GetAsync("connections/" + Oidc);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("private_key_jwt", one!["options"]!["token_endpoint_auth_method"]!.GetValue<string>());

        (status, JsonNode? missing) = await tenant.GetAsync("connections/con_nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Tenant.AssertJson(Tenant.Error(404, "Not Found", "The connection does not exist", "inexistent_connection"), missing);
    }

    [Fact]
    public async Task An_oidc_private_key_jwt_connection_has_a_current_and_next_key_shaped_as_Auth0s()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? keys) = await tenant.GetAsync($"connections/{Oidc}/keys");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray array = keys!.AsArray();
        Assert.Equal(2, array.Count);
        JsonNode current = array.Single(k => k!["current"] is not null)!;
        JsonNode next = array.Single(k => k!["next"] is not null)!;
        Assert.NotNull(current["current_since"]);
        Assert.Null(next["current"]);
        Assert.Null(next["previous"]);
        Assert.Null(next["current_since"]);

        string cert = current["cert"]!.GetValue<string>();
        using X509Certificate2 parsed = X509Certificate2.CreateFromPem(cert);
        using RSA rsa = parsed.GetRSAPublicKey()!;
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(CredentialTests.Thumbprint(rsa), current["kid"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexString(SHA1.HashData(parsed.RawData)), current["thumbprint"]!.GetValue<string>());
        Assert.Equal("/CN=oidc-private-key-jwt", current["subject_dn"]!.GetValue<string>());
        Assert.Equal("RS256", current["algorithm"]!.GetValue<string>());
        Assert.Equal("signing", current["key_use"]!.GetValue<string>());
        Assert.NotNull(current["pkcs"]);
        Assert.EndsWith("\r\n", cert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_answers_201_with_the_new_next_key_and_lists_current_previous_and_next()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (_, JsonNode? before) = await tenant.GetAsync($"connections/{Oidc}/keys");
        string oldCurrent = before!.AsArray().Single(k => k!["current"] is not null)!["kid"]!.GetValue<string>();
        string oldNext = before.AsArray().Single(k => k!["next"] is not null)!["kid"]!.GetValue<string>();

        (HttpStatusCode status, JsonNode? rotated) = await tenant.ApiAsync(HttpMethod.Post, $"connections/{Oidc}/keys/rotate");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(rotated!["next"]!.GetValue<bool>());
        foreach (string field in new[] { "kid", "cert", "pkcs", "fingerprint", "thumbprint", "algorithm", "key_use", "subject_dn" })
        {
            Assert.NotNull(rotated[field]);
        }

        (_, JsonNode? after) = await tenant.GetAsync($"connections/{Oidc}/keys");
        Assert.Equal(3, after!.AsArray().Count);
        Assert.Equal(oldNext, after.AsArray().Single(k => k!["current"] is not null)!["kid"]!.GetValue<string>());
        Assert.Equal(oldCurrent, after.AsArray().Single(k => k!["previous"] is not null)!["kid"]!.GetValue<string>());
        Assert.Equal(rotated["kid"]!.GetValue<string>(), after.AsArray().Single(k => k!["next"] is not null)!["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_are_refused_for_other_strategies_and_for_connections_not_using_private_key_jwt()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.GetAsync($"connections/{Database}/keys");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "keys are not available for this connection", "invalid_request"), body);

        (status, body) = await tenant.ApiAsync(HttpMethod.Post, $"connections/{Database}/keys/rotate");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Key rotation is not supported on this connection", "invalid_request"), body);

        (status, body) = await tenant.ApiAsync(HttpMethod.Post, $"connections/{Okta}/keys/rotate");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Connection is not configured to use JWT Client Authentication", "invalid_request"), body);

        (status, JsonNode? oktaKeys) = await tenant.GetAsync($"connections/{Okta}/keys");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(oktaKeys!.AsArray());
    }

    [Fact]
    public async Task Provisioning_keys_again_is_409_and_changes_nothing()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        string before = await tenant.SnapshotAsync($"connections/{Oidc}/keys");
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, $"connections/{Oidc}/keys");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Tenant.AssertJson(Tenant.Error(409, "Conflict", "Keys have already been created for this connection.", "conflict"), body);
        Assert.Equal(before, await tenant.SnapshotAsync($"connections/{Oidc}/keys"));
    }

    [Fact]
    public async Task Provisioning_keys_on_a_seeded_connection_without_keys_answers_201_with_current_and_next()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.SeedPath = SeedFiles.Write(new JsonObject
        {
            ["connections"] = new JsonArray(new JsonObject
            {
                ["id"] = "con_seeded00000001",
                ["name"] = "okta-jwt",
                ["strategy"] = "okta",
                ["options"] = new JsonObject { ["token_endpoint_auth_method"] = "private_key_jwt" },
            }),
        }));
        // Seeded private_key_jwt connections get their keys at creation, as Auth0 does.
        (HttpStatusCode status, JsonNode? keys) = await tenant.GetAsync("connections/con_seeded00000001/keys");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, keys!.AsArray().Count);

        (status, _) = await tenant.ApiAsync(HttpMethod.Post, "connections/con_seeded00000001/keys");
        Assert.Equal(HttpStatusCode.Conflict, status);
    }
}
