using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class ClientTests
{
    private const string Sample = "clients/" + Tenant.SampleClientId;

    [Fact]
    public async Task The_list_pages_from_zero_and_include_totals_wraps_it()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? all) = await tenant.GetAsync("clients");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, all!.AsArray().Count);

        (status, JsonNode? page) = await tenant.GetAsync("clients?page=1&per_page=1&include_totals=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, page!["start"]!.GetValue<int>());
        Assert.Equal(1, page["limit"]!.GetValue<int>());
        Assert.Equal(2, page["total"]!.GetValue<int>());
        Assert.Equal(all[1]!["client_id"]!.GetValue<string>(), Assert.Single(page["clients"]!.AsArray())!["client_id"]!.GetValue<string>());

        (status, JsonNode? past) = await tenant.GetAsync("clients?page=5&per_page=1&include_totals=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(past!["clients"]!.AsArray());

        (status, JsonNode? tooMany) = await tenant.GetAsync("clients?per_page=101");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Query validation error: 'Number is greater than maximum value (100)' on property per_page.", "invalid_query_string"), tooMany);
    }

    [Fact]
    public async Task Get_shows_the_secret_and_method_and_fields_project_as_recorded()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? client) = await tenant.GetAsync(Sample);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Tenant.SampleSecret, client!["client_secret"]!.GetValue<string>());
        Assert.Equal("client_secret_post", client["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Equal("non_interactive", client["app_type"]!.GetValue<string>());

        (status, JsonNode? projected) = await tenant.GetAsync(Sample + "?fields=client_id%2Capp_type&include_fields=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { "app_type", "client_id", "signing_keys" }, projected!.AsObject().Select(p => p.Key).Order());

        (status, JsonNode? missing) = await tenant.GetAsync("clients/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Tenant.AssertJson(Tenant.Error(404, "Not Found", "The client does not exist", "inexistent_client"), missing);
    }

    [Fact]
    public async Task Switching_to_private_key_jwt_hides_the_secret_and_switching_back_shows_it_again()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string id = await ClientAssertionTests.CreateAsync(tenant, key, "RS256");

        (HttpStatusCode status, JsonNode? jwt) = await tenant.ApiAsync(HttpMethod.Patch, Sample, CredentialTests.Attach(id));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(jwt!["client_secret"]);
        Assert.Null(jwt["token_endpoint_auth_method"]);
        Tenant.AssertJson(new JsonObject { ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(new JsonObject { ["id"] = id }) } }, jwt["client_authentication_methods"]);

        (status, JsonNode? back) = await tenant.ApiAsync(HttpMethod.Patch, Sample, new JsonObject
        {
            ["client_authentication_methods"] = null,
            ["signed_request_object"] = null,
            ["token_endpoint_auth_method"] = "client_secret_post",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Tenant.SampleSecret, back!["client_secret"]!.GetValue<string>());
        Assert.Equal("client_secret_post", back["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Null(back["client_authentication_methods"]);

        // An empty slot is accepted (recorded) and leaves a client with no usable credential.
        (status, JsonNode? empty) = await tenant.ApiAsync(HttpMethod.Patch, Sample, CredentialTests.Attach());
        Assert.Equal(HttpStatusCode.OK, status);
        Tenant.AssertJson(JsonNode.Parse("""{"private_key_jwt":{"credentials":[]}}""")!, empty!["client_authentication_methods"]);
    }

    [Fact]
    public async Task Patch_refuses_unknown_fields_and_a_method_together_with_credentials_and_changes_nothing()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string id = await ClientAssertionTests.CreateAsync(tenant, key, "RS256");
        string before = await tenant.SnapshotAsync(Sample);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Patch, Sample, new JsonObject { ["name"] = "renamed", ["favourite_colour"] = "blue" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Payload validation error: 'Additional properties not allowed: favourite_colour'", "invalid_body"), body);

        JsonObject both = CredentialTests.Attach(id);
        both["token_endpoint_auth_method"] = "client_secret_post";
        (status, body) = await tenant.ApiAsync(HttpMethod.Patch, Sample, both);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_body", body!["errorCode"]!.GetValue<string>());

        (status, body) = await tenant.ApiAsync(HttpMethod.Patch, Sample, new JsonObject { ["token_endpoint_auth_method"] = "private_key_jwt" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Payload validation error: 'No enum match for: \"private_key_jwt\"' on property token_endpoint_auth_method.", "invalid_body"), body);

        using var malformed = new HttpRequestMessage(HttpMethod.Patch, "api/v2/" + Sample) { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        malformed.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await tenant.ManagementTokenAsync());
        using HttpResponseMessage response = await tenant.Http.SendAsync(malformed);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Invalid request payload JSON format", "invalid_body"), JsonNode.Parse(await response.Content.ReadAsStringAsync()));

        foreach (string text in new[] { "{\"name\":\"a\",\"name\":\"b\"}", "{\"jwt_configuration\":{\"alg\":\"RS256\",\"alg\":\"PS256\"}}" })
        {
            using var duplicate = new HttpRequestMessage(HttpMethod.Patch, "api/v2/" + Sample) { Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json") };
            duplicate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await tenant.ManagementTokenAsync());
            using HttpResponseMessage dup = await tenant.Http.SendAsync(duplicate);
            Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
            Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Invalid request payload JSON format", "invalid_body"), JsonNode.Parse(await dup.Content.ReadAsStringAsync()));
        }

        Assert.Equal(before, await tenant.SnapshotAsync(Sample));
    }

    [Fact]
    public async Task Rotate_secret_answers_200_with_the_new_secret_which_replaces_the_old_at_once()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? client) = await tenant.ApiAsync(HttpMethod.Post, Sample + "/rotate-secret");
        Assert.Equal(HttpStatusCode.OK, status);
        string secret = client!["client_secret"]!.GetValue<string>();
        Assert.NotEqual(Tenant.SampleSecret, secret);
        Assert.Equal(Tenant.SampleClientId, client["client_id"]!.GetValue<string>());

        (HttpStatusCode oldStatus, _) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", Tenant.SampleSecret), ("audience", Tenant.SampleApi)));
        (HttpStatusCode newStatus, _) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_secret", secret), ("audience", Tenant.SampleApi)));
        Assert.Equal(HttpStatusCode.Unauthorized, oldStatus);
        Assert.Equal(HttpStatusCode.OK, newStatus);
    }

    [Fact]
    public async Task Rotate_secret_is_refused_for_a_private_key_jwt_client_and_changes_nothing()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string id = await ClientAssertionTests.CreateAsync(tenant, key, "RS256");
        await ClientAssertionTests.AttachIdsAsync(tenant, id);
        string before = await tenant.SnapshotAsync(Sample);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Sample + "/rotate-secret");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "This endpoint cannot be used with clients configured with Private Key JWT authentication method (client_authentication_methods configured with private_key_jwt).", "invalid_request"), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Sample));

        (status, body) = await tenant.ApiAsync(HttpMethod.Post, "clients/nope/rotate-secret");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Create_with_an_inline_credential_and_delete_behave_as_recorded()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        (HttpStatusCode status, JsonNode? created) = await tenant.ApiAsync(HttpMethod.Post, "clients", new JsonObject
        {
            ["name"] = "Test Client",
            ["description"] = "This is just a test client.",
            ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
            ["organization_usage"] = "allow",
            ["client_authentication_methods"] = new JsonObject
            {
                ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(CredentialTests.PublicKey(key, "inline")) },
            },
        });
        Assert.Equal(HttpStatusCode.Created, status);
        string clientId = created!["client_id"]!.GetValue<string>();
        Assert.Equal(32, clientId.Length);
        JsonNode inline = created["client_authentication_methods"]!["private_key_jwt"]!["credentials"]![0]!;
        Assert.Equal(CredentialTests.Thumbprint(key), inline["kid"]!.GetValue<string>());
        Assert.Equal("allow", created["organization_usage"]!.GetValue<string>());
        Assert.False(created["jwt_configuration"]!["secret_encoded"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.ApiAsync(HttpMethod.Delete, "clients/" + clientId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("clients/" + clientId)).Status);
    }
}
