using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.Oidc;

/// <summary>
/// An RFC 7592 server in memory, behind a <see cref="FakeHandler"/>: discovery, GET/PUT of one
/// client's configuration with a bearer registration access token (rotated on PUT when
/// <see cref="RotateOnPut"/>), and a token endpoint that accepts an assertion whose header kid names
/// an entry of jwks (or, without kid, any entry), aud = the issuer, iss = sub = client id. It keeps
/// every request so tests can check bodies.
/// </summary>
internal sealed class FakeRegistrationServer
{
    public const string Issuer = "https://op.example";
    public const string ClientId = "client-1";
    public static readonly Uri RegistrationUri = new(Issuer + "/reg/" + ClientId);

    private readonly object _gate = new();
    private int _tokens;

    public FakeRegistrationServer(JsonObject metadata)
    {
        Metadata = metadata;
        Handler = new FakeHandler((request, _) => Answer(request));
    }

    public JsonObject Metadata { get; private set; }

    public string Token { get; private set; } = "rat-0";

    public bool RotateOnPut { get; set; }

    public FakeHandler Handler { get; }

    /// <summary>The (header kid, aud) of every token request.</summary>
    public List<(string? Kid, string? Aud)> Assertions { get; } = new();

    public IEnumerable<FakeHandler.Recorded> Puts => Handler.Requests.Where(r => r.Method == "PUT");

    public static JsonObject ClientMetadata(params JsonObject[] keys) => new()
    {
        ["client_id"] = ClientId,
        ["client_name"] = "billing",
        ["client_secret"] = "shh-client-secret",
        ["client_secret_expires_at"] = 0,
        ["client_id_issued_at"] = 1700000000,
        ["grant_types"] = new JsonArray("client_credentials"),
        ["response_types"] = new JsonArray(),
        ["redirect_uris"] = new JsonArray(),
        ["token_endpoint_auth_method"] = "private_key_jwt",
        ["token_endpoint_auth_signing_alg"] = null,
        ["software_statement_extra"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) },
        ["jwks"] = new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k).ToArray()) },
    };

    public OidcConnection Connect(bool discover = true)
    {
        var connection = OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = RegistrationUri,
            RegistrationAccessToken = SecureStrings.FromString(Token),
            Handler = Handler,
            MaxRetries = 0,
        });
        if (discover)
        {
            connection.ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        return connection;
    }

    public string MetadataText()
    {
        lock (_gate)
        {
            return Metadata.ToJsonString();
        }
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        lock (_gate)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (path == "/.well-known/openid-configuration")
            {
                return FakeHandler.Json(HttpStatusCode.OK, $"{{\"issuer\":\"{Issuer}\",\"token_endpoint\":\"{Issuer}/token\"}}");
            }

            if (path == RegistrationUri.AbsolutePath)
            {
                if (request.Headers.Authorization?.Parameter != Token)
                {
                    return FakeHandler.Json(HttpStatusCode.Unauthorized, "{\"error\":\"invalid_token\",\"error_description\":\"invalid token provided\"}");
                }

                if (request.Method == HttpMethod.Put)
                {
                    var body = (JsonObject)JsonNode.Parse(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult())!;
                    foreach (string forbidden in new[] { "registration_access_token", "registration_client_uri", "client_secret_expires_at", "client_id_issued_at" })
                    {
                        if (body.ContainsKey(forbidden))
                        {
                            return FakeHandler.Json(HttpStatusCode.BadRequest, $"{{\"error\":\"invalid_request\",\"error_description\":\"request MUST NOT include the {forbidden} field\"}}");
                        }
                    }

                    body["client_secret_expires_at"] = 0;
                    body["client_id_issued_at"] = 1700000000;
                    Metadata = body;
                    if (RotateOnPut)
                    {
                        Token = "rat-" + (++_tokens).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                var answer = (JsonObject)Metadata.DeepClone();
                answer["registration_access_token"] = Token;
                answer["registration_client_uri"] = RegistrationUri.AbsoluteUri;
                return FakeHandler.Json(HttpStatusCode.OK, answer.ToJsonString());
            }

            if (path == "/token")
            {
                return TokenAnswer(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
            }

            return FakeHandler.Json(HttpStatusCode.NotFound, "{\"error\":\"not_found\"}");
        }
    }

    private HttpResponseMessage TokenAnswer(string form)
    {
        Dictionary<string, string> fields = form.Split('&').Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));
        string[] parts = fields["client_assertion"].Split('.');
        var header = (JsonObject)JsonNode.Parse(Decode(parts[0]))!;
        var claims = (JsonObject)JsonNode.Parse(Decode(parts[1]))!;
        string? kid = header["kid"]?.GetValue<string>();
        string? aud = claims["aud"]?.GetValue<string>();
        Assertions.Add((kid, aud));
        var keys = Metadata["jwks"]!["keys"]!.AsArray().Select(k => k!["kid"]?.GetValue<string>()).ToList();
        bool ok = fields["client_id"] == ClientId
            && claims["iss"]?.GetValue<string>() == ClientId
            && aud == Issuer
            && (kid is null ? keys.Count > 0 : keys.Contains(kid));
        return ok
            ? FakeHandler.Json(HttpStatusCode.OK, "{\"access_token\":\"at-secret\",\"expires_in\":300,\"token_type\":\"Bearer\"}")
            : FakeHandler.Json(HttpStatusCode.Unauthorized, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client authentication\"}");
    }

    private static string Decode(string part)
    {
        Assert.True(Base64Url.TryDecode(part, out byte[] bytes));
        return Encoding.UTF8.GetString(bytes);
    }
}
