using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Tests.Auth0;
using static PsCredRotate.Emulator.Tests.Operations.OpsFixture;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class TokenRefusalTests
{
    private static readonly Uri Refusals = new("_emulator/token-refusals", UriKind.Relative);

    private static async Task<List<string>> KidsAsync(Tenant tenant)
    {
        using HttpResponseMessage response = await tenant.Http.GetAsync(Refusals);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("kids").EnumerateArray().Select(k => k.GetString()!).ToList();
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(Tenant tenant, RSA key, string kid)
    {
        (HttpStatusCode status, _) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"),
            ("client_assertion_type", Tenant.JwtBearer),
            ("client_assertion", AssertionBuilder.For(key, Tenant.SampleClientId, tenant.TenantUrl, kid).Sign()),
            ("audience", Tenant.SampleApi)));
        return status;
    }

    [Fact]
    public async Task A_refused_kid_gets_invalid_client_while_the_other_attached_key_still_gets_tokens_until_cleared()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.Admin = true);
        using RSA refusedKey = RSA.Create(2048);
        using RSA otherKey = RSA.Create(2048);
        string refusedId = await ClientAssertionTests.CreateAsync(tenant, refusedKey, "RS256");
        string otherId = await ClientAssertionTests.CreateAsync(tenant, otherKey, "RS256");
        await ClientAssertionTests.AttachIdsAsync(tenant, refusedId, otherId);
        (_, JsonNode? credentials) = await tenant.GetAsync($"clients/{Tenant.SampleClientId}/credentials");
        string refusedKid = credentials!.AsArray().Single(c => c!["id"]!.GetValue<string>() == refusedId)!["kid"]!.GetValue<string>();
        string otherKid = credentials.AsArray().Single(c => c!["id"]!.GetValue<string>() == otherId)!["kid"]!.GetValue<string>();

        using HttpResponseMessage added = await PostJsonAsync(tenant.Http, "_emulator/token-refusals", $"{{\"kid\":\"{refusedKid}\"}}");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(new[] { refusedKid }, (await JsonAsync(added)).GetProperty("kids").EnumerateArray().Select(k => k.GetString()).ToArray());
        Assert.Equal(new[] { refusedKid }, await KidsAsync(tenant));

        (HttpStatusCode status, JsonNode? body) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"),
            ("client_assertion_type", Tenant.JwtBearer),
            ("client_assertion", AssertionBuilder.For(refusedKey, Tenant.SampleClientId, tenant.TenantUrl, refusedKid).Sign()),
            ("audience", Tenant.SampleApi)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Tenant.AssertJson(Tenant.OAuth("invalid_client", $"No credential with kid '{refusedKid}' is attached to the client for private_key_jwt."), body);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant, otherKey, otherKid));

        using HttpResponseMessage cleared = await tenant.Http.DeleteAsync(Refusals);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await KidsAsync(tenant));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant, refusedKey, refusedKid));
    }

    [Fact]
    public async Task Reset_clears_the_refusals()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.Admin = true);
        (await PostJsonAsync(tenant.Http, "_emulator/token-refusals", "{\"kid\":\"kid-one\"}")).Dispose();
        (await PostJsonAsync(tenant.Http, "_emulator/token-refusals", "{\"kid\":\"kid-two\"}")).Dispose();
        (await PostJsonAsync(tenant.Http, "_emulator/token-refusals", "{\"kid\":\"kid-one\"}")).Dispose();
        Assert.Equal(new[] { "kid-one", "kid-two" }, await KidsAsync(tenant));

        using HttpResponseMessage reset = await tenant.Http.PostAsync(new Uri("_emulator/reset", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        Assert.Empty(await KidsAsync(tenant));
    }

    [Theory]
    [InlineData("", "Expected a JSON body")]
    [InlineData("[]", "non-empty string 'kid'")]
    [InlineData("{}", "non-empty string 'kid'")]
    [InlineData("{\"kid\":\"\"}", "non-empty string 'kid'")]
    [InlineData("{\"kid\":42}", "non-empty string 'kid'")]
    public async Task A_bad_refusal_request_gets_a_plain_error_and_changes_nothing(string body, string expected)
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.Admin = true);
        using HttpResponseMessage refused = await PostJsonAsync(tenant.Http, "_emulator/token-refusals", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(expected, (await JsonAsync(refused)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await KidsAsync(tenant));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Without_admin_the_refusals_hook_does_not_exist(string method)
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), Refusals) { Content = method == "POST" ? Json("{\"kid\":\"k\"}") : null };
        using HttpResponseMessage response = await tenant.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
