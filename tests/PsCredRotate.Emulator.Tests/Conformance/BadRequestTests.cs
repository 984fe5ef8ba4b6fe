using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// The real write endpoints (not test routes) against bodies over 1 MB and unknown ids: Auth0's
/// status and error body, and the state unchanged afterwards.
/// </summary>
public sealed class BadRequestTests : IClassFixture<SharedEmulator>
{
    private readonly SharedEmulator _shared;

    public BadRequestTests(SharedEmulator shared) => _shared = shared;

    private const string ClientPlaceholder = "{client}";
    private const string CredentialPlaceholder = "{credential}";
    private const string ConnectionPlaceholder = "{connection}";

    public static IEnumerable<object[]> WriteEndpoints() => new[]
    {
        new object[] { "PATCH", "api/v2/clients/{client}" },
        new object[] { "POST", "api/v2/clients/{client}/credentials" },
        new object[] { "PATCH", "api/v2/clients/{client}/credentials/{credential}" },
        new object[] { "POST", "api/v2/clients/{client}/rotate-secret" },
        new object[] { "POST", "api/v2/keys/signing/rotate" },
        new object[] { "POST", "api/v2/connections/{connection}/keys/rotate" },
        new object[] { "POST", "api/v2/connections/{connection}/keys" },
        new object[] { "POST", "oauth/token" },
    };

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task A_body_over_1_MB_gets_413_in_the_APIs_error_shape_and_changes_nothing(string method, string template)
    {
        RunningEmulator emulator = await _shared.GetAsync();
        string token = await ConformanceClient.ManagementTokenAsync(emulator.Client);
        using HttpClient http = ConformanceClient.ManagementHttp(emulator.BaseAddress, token);
        (string clientId, string credentialId, string connectionId) = await ConformanceClient.ArrangeWriteTargetsAsync(http, "bad requests");
        string before = await TenantViewAsync(http, clientId, connectionId);

        string path = template.Replace(ClientPlaceholder, clientId, StringComparison.Ordinal)
            .Replace(CredentialPlaceholder, credentialId, StringComparison.Ordinal)
            .Replace(ConnectionPlaceholder, connectionId, StringComparison.Ordinal);
        string big = new JsonObject { ["name"] = new string('n', (1024 * 1024) + 1) }.ToJsonString();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new StringContent(big, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");

        // The emulator refuses on the declared length and closes: with 100-continue the client waits
        // for that answer instead of racing it with the body (a broken pipe on the client side).
        request.Headers.ExpectContinue = true;
        using HttpResponseMessage response = await http.SendAsync(request);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(413, (int)response.StatusCode);
        if (path.StartsWith("oauth/", StringComparison.Ordinal))
        {
            Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
            Assert.Equal(JsonValueKind.String, body.GetProperty("error_description").ValueKind);
        }
        else
        {
            Assert.Equal(413, body.GetProperty("statusCode").GetInt32());
            Assert.Equal("Payload Too Large", body.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
        }

        Assert.Equal(before, await TenantViewAsync(http, clientId, connectionId));
    }

    public static IEnumerable<object[]> UnparsableForms()
    {
        foreach (string path in new[] { "api/v2/clients/{client}", "api/v2/clients/{client}/credentials", "oauth/token" })
        {
            yield return new object[] { path, "a key over 2,048 characters" };
            yield return new object[] { path, "over 1,024 fields" };
        }
    }

    /// <summary>A form body ASP.NET Core's form reader refuses (key length, field count) is the client's error.</summary>
    [Theory]
    [MemberData(nameof(UnparsableForms))]
    public async Task A_form_body_past_the_form_readers_limits_gets_400_not_500(string template, string what)
    {
        string body = what.StartsWith("a key", StringComparison.Ordinal)
            ? new string('k', 3000)
            : string.Join("&", Enumerable.Range(0, 1100).Select(i => $"f{i}=1"));
        RunningEmulator emulator = await _shared.GetAsync();
        string token = await ConformanceClient.ManagementTokenAsync(emulator.Client);
        using HttpClient http = ConformanceClient.ManagementHttp(emulator.BaseAddress, token);
        (string clientId, _, _) = await ConformanceClient.ArrangeWriteTargetsAsync(http, "bad requests");
        string method = template.EndsWith("{client}", StringComparison.Ordinal) ? "PATCH" : "POST";
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(template.Replace(ClientPlaceholder, clientId, StringComparison.Ordinal), UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
        using HttpResponseMessage response = await http.SendAsync(request);
        JsonElement e = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.True(400 == (int)response.StatusCode, $"{what}: {(int)response.StatusCode} {e.GetRawText()}");
        if (template.StartsWith("oauth/", StringComparison.Ordinal))
        {
            Assert.Equal(JsonValueKind.String, e.GetProperty("error_description").ValueKind);
        }
        else
        {
            Assert.Equal(400, e.GetProperty("statusCode").GetInt32());
            Assert.Equal("Bad Request", e.GetProperty("error").GetString());
        }
    }

    public static IEnumerable<object[]> UnknownIds() => new[]
    {
        new object[] { "GET", "api/v2/clients/no-such-client", "", 404, "The client does not exist", "inexistent_client" },
        new object[] { "PATCH", "api/v2/clients/no-such-client", """{"description":"x"}""", 404, "The client does not exist", "inexistent_client" },
        new object[] { "POST", "api/v2/clients/no-such-client/rotate-secret", "", 404, "The client does not exist", "inexistent_client" },
        new object[] { "GET", "api/v2/clients/no-such-client/credentials", "", 404, "The client does not exist", "inexistent_client" },
        new object[] { "GET", "api/v2/clients/{client}/credentials/cred_nosuchcredential0000", "", 404, "Credential does not exist", null! },
        new object[] { "PATCH", "api/v2/clients/{client}/credentials/cred_nosuchcredential0000", """{"expires_at":"2099-01-01T00:00:00.000Z"}""", 404, "Credential does not exist", null! },
        new object[] { "GET", "api/v2/keys/signing/no-such-kid", "", 404, "Signing key not found", null! },
        new object[] { "PUT", "api/v2/keys/signing/no-such-kid/revoke", "", 404, "Signing key not found", null! },
        new object[] { "GET", "api/v2/connections/con_nosuchconnection", "", 404, "The connection does not exist", "inexistent_connection" },
        new object[] { "GET", "api/v2/connections/con_nosuchconnection/keys", "", 404, "The connection does not exist", "inexistent_connection" },
        new object[] { "POST", "api/v2/connections/con_nosuchconnection/keys/rotate", "", 404, "The connection does not exist", "inexistent_connection" },
    };

    [Theory]
    [MemberData(nameof(UnknownIds))]
    public async Task An_unknown_id_gets_Auth0s_404_with_its_message(string method, string template, string body, int status, string message, string? errorCode)
    {
        RunningEmulator emulator = await _shared.GetAsync();
        string token = await ConformanceClient.ManagementTokenAsync(emulator.Client);
        using HttpClient http = ConformanceClient.ManagementHttp(emulator.BaseAddress, token);
        (string clientId, _, _) = await ConformanceClient.ArrangeWriteTargetsAsync(http, "bad requests");

        (int actualStatus, string text) = await ConformanceClient.SendAsync(http, new HttpMethod(method),
            template.Replace(ClientPlaceholder, clientId, StringComparison.Ordinal), body.Length == 0 && method != "GET" ? "{}" : body.Length == 0 ? null : body);
        JsonElement e = JsonDocument.Parse(text).RootElement;

        Assert.Equal(status, actualStatus);
        Assert.Equal(status, e.GetProperty("statusCode").GetInt32());
        Assert.Equal("Not Found", e.GetProperty("error").GetString());
        Assert.Equal(message, e.GetProperty("message").GetString());
        if (errorCode is not null)
        {
            Assert.Equal(errorCode, e.GetProperty("errorCode").GetString());
        }
    }

    /// <summary>What a refused write could have changed: the client (secret included), its credentials, the signing and connection keys.</summary>
    private static async Task<string> TenantViewAsync(HttpClient http, string clientId, string connectionId)
    {
        var parts = new List<string>();
        foreach (string path in new[] { $"/api/v2/clients/{clientId}", $"/api/v2/clients/{clientId}/credentials", "/api/v2/keys/signing", $"/api/v2/connections/{connectionId}/keys" })
        {
            parts.Add((await ConformanceClient.SendOkAsync(http, HttpMethod.Get, path)).ToJsonString());
        }

        return string.Join("\n", parts);
    }
}
