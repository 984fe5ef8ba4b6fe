using System.Net;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class ClientGrantTests
{
    [Fact]
    public async Task The_grants_of_one_client_are_listed_with_expanded_audiences()
    {
        await using Tenant tenant = await Tenant.StartAsync();

        (HttpStatusCode status, JsonNode? grants) = await tenant.GetAsync("client-grants?client_id=" + Tenant.SampleClientId);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonNode grant = Assert.Single(grants!.AsArray())!;
        Assert.Equal("cgr_sample", grant["id"]!.GetValue<string>());
        Assert.Equal(Tenant.SampleClientId, grant["client_id"]!.GetValue<string>());
        Assert.Equal(Tenant.SampleApi, grant["audience"]!.GetValue<string>());
        Assert.Equal(new[] { "read:data", "write:data" }, grant["scope"]!.AsArray().Select(s => s!.GetValue<string>()));

        (_, JsonNode? management) = await tenant.GetAsync("client-grants?client_id=emulator-management-client");
        Assert.Equal(tenant.ManagementAudience, Assert.Single(management!.AsArray())!["audience"]!.GetValue<string>());
    }

    [Fact]
    public async Task Include_totals_wraps_the_page_and_audience_filters()
    {
        await using Tenant tenant = await Tenant.StartAsync();

        (HttpStatusCode status, JsonNode? page) = await tenant.GetAsync("client-grants?include_totals=true&per_page=1&page=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, page!["start"]!.GetValue<int>());
        Assert.Equal(1, page["limit"]!.GetValue<int>());
        Assert.Equal(2, page["total"]!.GetValue<int>());
        Assert.Single(page["client_grants"]!.AsArray());

        (_, JsonNode? byAudience) = await tenant.GetAsync("client-grants?audience=" + Uri.EscapeDataString(Tenant.SampleApi));
        Assert.Equal(Tenant.SampleClientId, Assert.Single(byAudience!.AsArray())!["client_id"]!.GetValue<string>());

        (_, JsonNode? none) = await tenant.GetAsync("client-grants?client_id=nobody");
        Assert.Empty(none!.AsArray());
    }

    [Fact]
    public async Task Listing_grants_needs_read_client_grants()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.SeedPath = SeedFiles.Write(new JsonObject
        {
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

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Get, "client-grants", token: tokenBody!["access_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Tenant.AssertJson(Tenant.Error(403, "Forbidden", "Insufficient scope, expected any of: read:client_grants", "insufficient_scope"), body);
    }
}
