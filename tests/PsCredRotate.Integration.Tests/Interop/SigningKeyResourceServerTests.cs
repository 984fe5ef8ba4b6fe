using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Interop;

/// <summary>
/// Zero downtime of a tenant signing-key rotation as a resource server protected by Auth0's own
/// middleware (express-oauth2-jwt-bearer, tests/interop) sees it, while a caller keeps requesting it
/// every 50 ms: rotating (the next key, already published in the JWKS, becomes current) and revoking
/// the previous key after a retention window longer than the caller's token lifetime reject nothing;
/// revoking it right after the rotation rejects tokens that have not expired. So the retention
/// window is shown to be necessary, not assumed.
/// </summary>
public sealed class SigningKeyResourceServerTests
{
    [Fact]
    public async Task Auth0s_middleware_accepts_every_request_across_a_rotation_and_a_revocation_after_the_retention_window()
    {
        await using EmulatorServer emulator = await EmulatorServer.StartAsync();
        using HttpClient management = await ManagementAsync(emulator);
        await using ResourceServer api = await ResourceServer.StartAsync(emulator);
        string before = await KidAsync(management, "current");
        await api.WaitForAsync(s => s.Accepted >= 10, TimeSpan.FromSeconds(30), "the caller to warm up");

        string rotatedTo = await RotateAsync(management);
        // The retention window: longer than the caller's token lifetime, so every token signed with
        // the previous key has been replaced before it is revoked.
        await api.WaitForAsync(s => s.KidsAccepted.GetValueOrDefault(rotatedTo) >= 10, ResourceServer.TokenReuse * 5, "tokens signed with the new key");
        await Task.Delay(ResourceServer.TokenReuse);
        await RevokeAsync(management, before);
        int acceptedAtRevoke = (await api.StatsAsync()).Accepted;
        ResourceServerStats end = await api.WaitForAsync(s => s.Accepted >= acceptedAtRevoke + 40, TimeSpan.FromSeconds(30), "requests after the revocation (past the JWKS cache)");

        Assert.True(end.Rejected == 0 && end.CallErrors == 0 && end.TokenErrors == 0, end.ToString());
        Assert.True(end.KidsAccepted.ContainsKey(before) && end.KidsAccepted.ContainsKey(rotatedTo), end.ToString());
        Assert.DoesNotContain(before, await JwksKidsAsync(emulator));
    }

    [Fact]
    public async Task Revoking_the_previous_key_right_after_rotating_rejects_tokens_that_have_not_expired()
    {
        await using EmulatorServer emulator = await EmulatorServer.StartAsync();
        using HttpClient management = await ManagementAsync(emulator);
        await using ResourceServer api = await ResourceServer.StartAsync(emulator);
        string before = await KidAsync(management, "current");
        await api.WaitForAsync(s => s.Accepted >= 10, TimeSpan.FromSeconds(30), "the caller to warm up");

        string rotatedTo = await RotateAsync(management);
        await RevokeAsync(management, before);

        ResourceServerStats rejected = await api.WaitForAsync(s => s.Rejected > 0, ResourceServer.TokenReuse * 3, "a rejected request");
        Assert.Equal(new[] { before }, rejected.KidsRejected.Keys);
        Assert.Contains("invalid_token", rejected.LastRejection ?? string.Empty, StringComparison.Ordinal);
        // Once the caller takes a new token (signed with the new key) it is served again.
        await api.WaitForAsync(s => s.KidsAccepted.GetValueOrDefault(rotatedTo) >= 5, ResourceServer.TokenReuse * 5, "requests with a new token");
    }

    private static async Task<HttpClient> ManagementAsync(EmulatorServer emulator)
    {
        using HttpResponseMessage response = await emulator.Admin.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = emulator.ManagementClientId,
            ["client_secret"] = emulator.ManagementClientSecret,
            ["audience"] = "https://" + emulator.Domain + "/api/v2/",
        }));
        response.EnsureSuccessStatusCode();
        string token = (await response.Content.ReadFromJsonAsync<JsonNode>())!["access_token"]!.GetValue<string>();
        var http = new HttpClient { BaseAddress = new Uri(emulator.BaseAddress, "api/v2/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string> KidAsync(HttpClient management, string flag)
    {
        JsonArray keys = (await management.GetFromJsonAsync<JsonArray>("keys/signing"))!;
        return keys.Single(k => k![flag]?.GetValue<bool>() == true)!["kid"]!.GetValue<string>();
    }

    private static async Task<string> RotateAsync(HttpClient management)
    {
        using HttpResponseMessage response = await management.PostAsync("keys/signing/rotate", null);
        response.EnsureSuccessStatusCode();
        return await KidAsync(management, "current");
    }

    private static async Task RevokeAsync(HttpClient management, string kid)
    {
        using HttpResponseMessage response = await management.PutAsync("keys/signing/" + Uri.EscapeDataString(kid) + "/revoke", null);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<IReadOnlyList<string>> JwksKidsAsync(EmulatorServer emulator)
    {
        JsonNode jwks = (await emulator.Admin.GetFromJsonAsync<JsonNode>(".well-known/jwks.json"))!;
        return jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToArray();
    }
}
