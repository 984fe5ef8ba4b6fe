using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// Talks to a running emulator the way an Auth0 SDK does: a management token from the emulator's own
/// /oauth/token with the default management client, then Bearer calls to /api/v2.
/// </summary>
public static class ConformanceClient
{
    /// <summary>https://host:port/ : what the emulator takes as its tenant URL (assertion aud, token iss).</summary>
    public static string TenantUrl(Uri baseAddress) => "https://" + baseAddress.Authority + "/";

    public static string ManagementAudience(Uri baseAddress) => TenantUrl(baseAddress) + "api/v2/";

    /// <summary>client_credentials with client_secret_post for the default management client.</summary>
    public static async Task<string> ManagementTokenAsync(HttpClient http, string? clientId = null, string? clientSecret = null)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId ?? EmulatorOptions.DefaultManagementClientId,
            ["client_secret"] = clientSecret ?? EmulatorOptions.DefaultManagementClientSecret,
            ["audience"] = ManagementAudience(http.BaseAddress!),
        });
        using HttpResponseMessage response = await http.PostAsync(new Uri("oauth/token", UriKind.Relative), form);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The management token request answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public static HttpClient ManagementHttp(Uri baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static async Task<(int Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonNode> SendOkAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        (int status, string body) = await SendAsync(http, method, path, json);
        if (status is < 200 or > 299)
        {
            throw new InvalidOperationException($"{method} {path} answered {status}: {body}");
        }

        return JsonNode.Parse(body.Length == 0 ? "null" : body) ?? JsonValue.Create(0)!;
    }

    /// <summary>An SPKI PEM of the key, as a credential's pem.</summary>
/// <summary>
    /// What the write endpoints act on: a new machine-to-machine client with one public-key
    /// credential, and the default tenant's oidc connection.
    /// </summary>
    public static async Task<(string Client, string Credential, string Connection)> ArrangeWriteTargetsAsync(HttpClient http, string name)
    {
        JsonNode client = await SendOkAsync(http, HttpMethod.Post, "/api/v2/clients",
            new JsonObject { ["name"] = name, ["app_type"] = "non_interactive", ["grant_types"] = new JsonArray("client_credentials") }.ToJsonString());
        string clientId = client["client_id"]!.GetValue<string>();
        using RSA key = RSA.Create(2048);
        JsonNode credential = await SendOkAsync(http, HttpMethod.Post, $"/api/v2/clients/{clientId}/credentials",
            new JsonObject { ["credential_type"] = "public_key", ["name"] = name, ["pem"] = PublicPem(key) }.ToJsonString());
        JsonNode connections = await SendOkAsync(http, HttpMethod.Get, "/api/v2/connections");
        string oidc = connections.AsArray().First(c => c?["strategy"]?.GetValue<string>() == "oidc")!["id"]!.GetValue<string>();
        return (clientId, credential["id"]!.GetValue<string>(), oidc);
    }

    public static string PublicPem(RSA rsa) => rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>A client assertion as Auth0 wants it (iss = sub = client id, aud = tenant URL with slash, 2 minutes).</summary>
    public static string ClientAssertion(RSA rsa, string clientId, string audience, string alg = "RS256", string? kid = null, DateTimeOffset? now = null)
    {
        DateTimeOffset t = now ?? DateTimeOffset.UtcNow;
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null)
        {
            header["kid"] = kid;
        }

        var payload = new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["iat"] = t.ToUnixTimeSeconds(),
            ["exp"] = t.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        };
        string signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        (HashAlgorithmName hash, RSASignaturePadding padding) = alg switch
        {
            "RS384" => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "PS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        };
        byte[] signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), hash, padding);
        return signingInput + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
