using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Auth0;

/// <summary>A running emulator seen as an Auth0 tenant: tokens, Management API calls, assertions.</summary>
internal sealed class Tenant : IAsyncDisposable
{
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string SampleClientId = "emulator-sample-m2m";
    public const string SampleSecret = "emulator-sample-secret-change-me";
    public const string SampleApi = "https://api.example.com";

    private string? _managementToken;

    private Tenant(RunningEmulator emulator)
    {
        Emulator = emulator;
    }

    public RunningEmulator Emulator { get; }

    public HttpClient Http => Emulator.Client;

    /// <summary>https://127.0.0.1:port/ : the issuer and the aud of client assertions.</summary>
    public string TenantUrl => "https://" + Emulator.BaseAddress.Authority + "/";

    public string ManagementAudience => TenantUrl + "api/v2/";

    public static async Task<Tenant> StartAsync(Action<EmulatorOptions>? configure = null) => new(await RunningEmulator.StartAsync(configure));

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    public async Task<(HttpStatusCode Status, JsonNode? Body)> TokenAsync(IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return await SendAsync(request);
    }

    public static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>Drops the cached management token (after its signing key was revoked).</summary>
    public void ForgetManagementToken() => _managementToken = null;

    public async Task<string> ManagementTokenAsync()
    {
        if (_managementToken is null)
        {
            (HttpStatusCode status, JsonNode? body) = await TokenAsync(Form(
                ("grant_type", "client_credentials"),
                ("client_id", EmulatorOptions.DefaultManagementClientId),
                ("client_secret", EmulatorOptions.DefaultManagementClientSecret),
                ("audience", ManagementAudience)));
            Assert.Equal(HttpStatusCode.OK, status);
            _managementToken = body!["access_token"]!.GetValue<string>();
        }

        return _managementToken;
    }

    /// <summary>A Management API call with the management client's token (or <paramref name="token"/>).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> ApiAsync(HttpMethod method, string path, JsonNode? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, "api/v2/" + path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await ManagementTokenAsync());
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await SendAsync(request);
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => ApiAsync(HttpMethod.Get, path);

    /// <summary>The raw JSON of a GET, to compare state before and after a refused call.</summary>
    public async Task<string> SnapshotAsync(string path)
    {
        (HttpStatusCode status, JsonNode? body) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!.ToJsonString();
    }

    private async Task<(HttpStatusCode, JsonNode?)> SendAsync(HttpRequestMessage request)
    {
        using HttpResponseMessage response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static JsonObject Error(int status, string error, string message, string? errorCode)
    {
        var o = new JsonObject { ["statusCode"] = status, ["error"] = error, ["message"] = message };
        if (errorCode is not null)
        {
            o["errorCode"] = errorCode;
        }

        return o;
    }

    public static JsonObject OAuth(string error, string description) => new() { ["error"] = error, ["error_description"] = description };

    public static void AssertJson(JsonNode expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()} but got {actual?.ToJsonString() ?? "nothing"}");
}

/// <summary>Client assertions built in the test with the platform's crypto, every claim adjustable.</summary>
internal sealed class AssertionBuilder
{
    public required RSA Key { get; init; }

    public string Alg { get; set; } = "RS256";

    public string? Kid { get; set; }

    public JsonObject Claims { get; } = new();

    public static AssertionBuilder For(RSA key, string clientId, string audience, string? kid, DateTimeOffset? now = null)
    {
        long iat = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var builder = new AssertionBuilder { Key = key, Kid = kid };
        builder.Claims["iss"] = clientId;
        builder.Claims["sub"] = clientId;
        builder.Claims["aud"] = audience;
        builder.Claims["jti"] = Guid.NewGuid().ToString();
        builder.Claims["iat"] = iat;
        builder.Claims["exp"] = iat + 60;
        return builder;
    }

    public string Sign()
    {
        var header = new JsonObject { ["alg"] = Alg, ["typ"] = "JWT" };
        if (Kid is not null)
        {
            header["kid"] = Kid;
        }

        string input = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(Claims.ToJsonString()));
        byte[] data = Encoding.ASCII.GetBytes(input);
        byte[] signature = Alg switch
        {
            "RS384" => Key.SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "PS256" => Key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => Key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        };
        return input + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static JsonObject Decode(string jwt, int part) =>
        (JsonObject)JsonNode.Parse(Convert.FromBase64String(Pad(jwt.Split('.')[part].Replace('-', '+').Replace('_', '/'))))!;

    private static string Pad(string s) => s + new string('=', (4 - (s.Length % 4)) % 4);
}
