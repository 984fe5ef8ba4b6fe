using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Oidc;

/// <summary>
/// tests/interop/oidc-provider-server.mjs as a child process: the certified oidc-provider on a free
/// loopback port with dynamic registration, registration management (rotating the registration
/// access token on every update), client_credentials and private_key_jwt; plus its test-only
/// switch that refuses assertions signed with given kids.
/// </summary>
internal sealed class OidcProviderServer : IAsyncDisposable
{
    private readonly NodeServer _node;

    private OidcProviderServer(NodeServer node, Uri issuer)
    {
        _node = node;
        Issuer = issuer;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The issuer (http://127.0.0.1:port, no trailing slash in the provider's spelling).</summary>
    public Uri Issuer { get; }

    public string IssuerText => Issuer.GetLeftPart(UriPartial.Authority);

    public Uri TokenEndpoint => new(IssuerText + "/token");

    public HttpClient Http { get; }

    public static async Task<OidcProviderServer> StartAsync()
    {
        NodeServer node = await NodeServer.StartAsync("oidc-provider-server.mjs", "oidc-provider", "ready ");
        return new OidcProviderServer(node, new Uri(node.ReadyValue));
    }

    /// <summary>Registers a client_credentials client authenticating with private_key_jwt and <paramref name="keys"/> in jwks (RFC 7591).</summary>
    public async Task<RegisteredClient> RegisterAsync(params RotationKey[] keys) =>
        await RegisterAsync(new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)PublicJwk(k)).ToArray()) }, "private_key_jwt");

    public async Task<RegisteredClient> RegisterAsync(JsonObject? jwks, string method, string? jwksUri = null)
    {
        var body = new JsonObject
        {
            ["client_name"] = "billing-worker",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
            ["token_endpoint_auth_method"] = method,
        };
        if (jwks is not null)
        {
            body["jwks"] = jwks;
        }

        if (jwksUri is not null)
        {
            body["jwks_uri"] = jwksUri;
        }

        using HttpResponseMessage response = await Http.PostAsync(IssuerText + "/reg", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        JsonNode answer = JsonNode.Parse(text)!;
        return new RegisteredClient(
            answer["client_id"]!.GetValue<string>(),
            new Uri(answer["registration_client_uri"]!.GetValue<string>()),
            answer["registration_access_token"]!.GetValue<string>());
    }

    /// <summary>The client's metadata as GET shows it, without the registration token (for "nothing changed").</summary>
    public async Task<string> MetadataAsync(RegisteredClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, client.RegistrationUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET registration: {(int)response.StatusCode} {text}");
        var o = (JsonObject)JsonNode.Parse(text)!;
        o.Remove("registration_access_token");
        return o.ToJsonString();
    }

    /// <summary>The status of a GET of the registration with <paramref name="token"/>.</summary>
    public async Task<HttpStatusCode> RegistrationStatusAsync(RegisteredClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, client.RegistrationUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A real client_credentials request authenticated by an assertion signed with <paramref name="key"/> (header kid = its thumbprint, aud = the issuer).</summary>
    public async Task<(bool Success, string? Error)> TokenAsync(string clientId, RotationKey key, HttpClient http)
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(key, clientId, IssuerText);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion.RevealCompactSerialization(),
        });
        try
        {
            using HttpResponseMessage response = await http.PostAsync(TokenEndpoint, form);
            string text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode ? (true, null) : (false, $"{(int)response.StatusCode} {text}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Makes the token endpoint refuse assertions whose header kid is listed (empty: none).</summary>
    public async Task RefuseKidsAsync(params string[] kids)
    {
        using HttpResponseMessage response = await Http.PutAsJsonAsync(IssuerText + "/_test/refused-kids", new { kids });
        response.EnsureSuccessStatusCode();
    }

    public async Task<OidcConnection> ConnectAsync(RegisteredClient client, string? token = null)
    {
        OidcConnection connection = OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = client.RegistrationUri,
            RegistrationAccessToken = Secure(token ?? client.RegistrationAccessToken),
        });
        try
        {
            await connection.ConnectAsync(CancellationToken.None);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static SecureString Secure(string text) => SecureStrings.FromString(text);

    public static string Reveal(SecureString secure) => new(SecureStrings.ToChars(secure));

    /// <summary>The public JWK as the application registers it: kid = the RFC 7638 thumbprint.</summary>
    public static JsonObject PublicJwk(RotationKey key, string? kid = null)
    {
        var jwk = (JsonObject)JsonNode.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: true))!;
        jwk.Remove("x5c");
        jwk.Remove("x5t#S256");
        if (kid is not null)
        {
            jwk["kid"] = kid;
        }

        return jwk;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _node.DisposeAsync();
    }
}

/// <summary>What registration answered: the client, its configuration endpoint and the first registration access token.</summary>
internal sealed record RegisteredClient(string ClientId, Uri RegistrationUri, string RegistrationAccessToken);
