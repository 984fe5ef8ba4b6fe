using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Model;
using PsCredRotate.Emulator.Infrastructure;

namespace PsCredRotate.Emulator.Auth0.Tokens;

/// <summary>POST /oauth/token: client_credentials with client_secret_post, client_secret_basic or private_key_jwt.</summary>
public static class TokenEndpoint
{
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Access token lifetime (Auth0's default for APIs).</summary>
    public const int ExpiresIn = 86400;

    public static void Map(WebApplication app) => app.MapPost("/oauth/token", HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, TenantContext tenant, JtiReplayCache replays, TokenRefusals refusals)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        Dictionary<string, string>? p = await ReadParametersAsync(http.Request).ConfigureAwait(false);
        if (p is null)
        {
            return OAuthError.Result(400, "invalid_request", "The request body is not valid JSON or form data.");
        }

        string? grantType = Get(p, "grant_type");
        if (grantType is null)
        {
            return OAuthError.Result(400, "invalid_request", "Missing required parameter: grant_type");
        }

        if (grantType != "client_credentials")
        {
            return OAuthError.Result(400, "unsupported_grant_type", $"Unsupported grant type: {grantType}");
        }

        // Who is calling, and how.
        string? basicId = null;
        string? basicSecret = null;
        string? authorization = http.Request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseBasic(authorization[6..].Trim(), out basicId, out basicSecret))
            {
                return OAuthError.Result(401, "access_denied", Auth0Messages.Unauthorized);
            }
        }

        string? assertion = Get(p, "client_assertion");
        string? assertionType = Get(p, "client_assertion_type");
        string? secret = Get(p, "client_secret");
        Jws? jws = null;
        string? clientId = Get(p, "client_id") ?? basicId;
        if (assertion is not null || assertionType is not null)
        {
            if (assertionType != JwtBearer)
            {
                return OAuthError.Result(400, "invalid_request", $"client_assertion_type must be {JwtBearer}");
            }

            jws = Jws.TryParse(assertion);
            if (jws is null)
            {
                return OAuthError.Result(401, "invalid_client", "The client_assertion is not a valid JWT.");
            }

            clientId ??= jws.Text("iss");
        }

        if (clientId is null)
        {
            return OAuthError.Result(400, "invalid_request", "Missing required parameter: client_id");
        }

        string method = jws is not null ? AuthMethods.PrivateKeyJwt : basicId is not null ? AuthMethods.ClientSecretBasic : AuthMethods.ClientSecretPost;
        DateTimeOffset now = tenant.Clock.UtcNow;
        string tenantUrl = tenant.TenantUrl(http);

        // Snapshot what we need under the lock.
        ClientView? view = tenant.Store.Read(s => ClientView.Of(s.FindClient(clientId)));
        if (view is null)
        {
            return OAuthError.Result(401, "access_denied", Auth0Messages.Unauthorized);
        }

        if (view.UsesPrivateKeyJwt != (method == AuthMethods.PrivateKeyJwt)
            || (method != AuthMethods.PrivateKeyJwt && (view.TokenEndpointAuthMethod == AuthMethods.None || (view.TokenEndpointAuthMethod is not null && view.TokenEndpointAuthMethod != method))))
        {
            string allowed = view.UsesPrivateKeyJwt ? AuthMethods.PrivateKeyJwt : view.TokenEndpointAuthMethod ?? "client_secret_post or client_secret_basic";
            return OAuthError.Result(401, "invalid_client", $"The client authentication method {method} is not allowed for this client; it uses {allowed}.");
        }

        if (jws is null)
        {
            string given = basicSecret ?? secret ?? "";
            if (!FixedTimeEquals(given, view.ClientSecret))
            {
                return OAuthError.Result(401, "access_denied", Auth0Messages.Unauthorized);
            }
        }
        else
        {
            long exp = 0;

            // The /_emulator/token-refusals hook: answered as Auth0 answers a key it does not know.
            string? refusal = refusals.Refuses(jws.Kid)
                ? $"No credential with kid '{jws.Kid}' is attached to the client for private_key_jwt."
                : CheckAssertion(jws, view, tenant, tenantUrl, now, out exp);
            if (refusal is not null)
            {
                return OAuthError.Result(401, "invalid_client", refusal);
            }

            string jti = jws.Text("jti")!;
            bool fresh = replays.TryUse(clientId, jti, DateTimeOffset.FromUnixTimeSeconds(exp) + AssertionRules.ClockSkew, now);
            if (!fresh)
            {
                return OAuthError.Result(401, "invalid_client", "The client_assertion was already used (jti must be unique).");
            }
        }

        if (!view.GrantTypes.Contains("client_credentials"))
        {
            return OAuthError.Result(403, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.");
        }

        string? audience = Get(p, "audience");
        if (audience is null)
        {
            return OAuthError.Result(403, "access_denied", Auth0Messages.NoAudience);
        }

        (bool apiExists, List<string>? granted) = tenant.Store.Read(s =>
        {
            bool exists = s.ResourceServers.Exists(r => tenant.Expand(r.Identifier, http) == audience);
            ClientGrant? grant = s.ClientGrants.Find(g => g.ClientId == clientId && tenant.Expand(g.Audience, http) == audience);
            return (exists, grant?.Scope.ToList());
        });
        if (!apiExists)
        {
            return OAuthError.Result(403, "access_denied", Auth0Messages.ServiceNotEnabled(audience));
        }

        if (granted is null)
        {
            return OAuthError.Result(403, "access_denied", Auth0Messages.NoClientGrant(audience));
        }

        string? requested = Get(p, "scope");
        List<string> scopes = requested is null ? granted : granted.Intersect(requested.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal).ToList();
        string scope = string.Join(' ', scopes);

        (string kid, string privatePem) = tenant.Store.Read(s =>
        {
            SigningKey current = s.SigningKeys.First(k => k.Current);
            return (current.Kid, current.PrivateKeyPem);
        });
        long iat = now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = tenantUrl,
            ["sub"] = clientId + "@clients",
            ["aud"] = audience,
            ["iat"] = iat,
            ["exp"] = iat + ExpiresIn,
        };
        if (scope.Length > 0)
        {
            claims["scope"] = scope;
        }

        claims["gty"] = "client-credentials";
        claims["azp"] = clientId;
        string token = tenant.SignRs256(kid, privatePem, claims);
        var response = new JsonObject { ["access_token"] = token };
        if (scope.Length > 0)
        {
            response["scope"] = scope;
        }

        response["expires_in"] = ExpiresIn;
        response["token_type"] = "Bearer";
        return Management.ApiResults.Json(response);
    }

    private static string? CheckAssertion(Jws jws, ClientView view, TenantContext tenant, string tenantUrl, DateTimeOffset now, out long exp)
    {
        exp = 0;
        string? iss = jws.Text("iss");
        string? sub = jws.Text("sub");
        if (iss != view.ClientId || sub != view.ClientId)
        {
            return "The client_assertion 'iss' and 'sub' claims must both be the client_id.";
        }

        string? alg = jws.Alg;
        string? kid = jws.Kid;
        List<Credential> candidates = view.Attached.Where(c => kid is null || c.Kid == kid).ToList();
        if (candidates.Count == 0)
        {
            return kid is null
                ? "No credential attached to the client for private_key_jwt."
                : $"No credential with kid '{kid}' is attached to the client for private_key_jwt.";
        }

        Credential? match = null;
        string? failure = null;
        foreach (Credential credential in candidates)
        {
            if (credential.ExpiresAt is { } expiresAt && expiresAt <= now)
            {
                failure ??= $"The credential '{credential.Kid}' expired at {KeyMaterial.Timestamp(expiresAt)}.";
                continue;
            }

            if (!string.Equals(alg, credential.Alg, StringComparison.Ordinal))
            {
                failure ??= $"The client_assertion alg '{alg}' does not match the credential's alg '{credential.Alg}'.";
                continue;
            }

            if (credential.PublicKeyPem is null || !jws.Verify(tenant.Rsa(credential.PublicKeyPem), credential.Alg!))
            {
                failure ??= "The client_assertion signature is invalid.";
                continue;
            }

            match = credential;
            break;
        }

        if (match is null)
        {
            return failure;
        }

        return AssertionRules.CheckClaims(jws, tenantUrl, now, out exp);
    }

    private static async Task<Dictionary<string, string>?> ReadParametersAsync(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync().ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                // The form reader's own limits (key length, field count): an invalid request.
                return null;
            }

            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> f in form)
            {
                result[f.Key] = f.Value.ToString();
            }

            return result;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync().ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        try
        {
            if (JsonNode.Parse(text) is not JsonObject o)
            {
                return null;
            }

            foreach (KeyValuePair<string, JsonNode?> f in o)
            {
                if (f.Value is JsonValue v)
                {
                    result[f.Key] = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
                }
            }

            return result;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    private static string? Get(Dictionary<string, string> p, string name) =>
        p.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;

    private static bool TryParseBasic(string encoded, out string? id, out string? secret)
    {
        id = null;
        secret = null;
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            id = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    /// <summary>A copy of what the token endpoint needs of a client, taken under the state lock.</summary>
    private sealed record ClientView(string ClientId, string ClientSecret, string? TokenEndpointAuthMethod, bool UsesPrivateKeyJwt, List<string> GrantTypes, List<Credential> Attached)
    {
        public static ClientView? Of(Client? c)
        {
            if (c is null)
            {
                return null;
            }

            List<string> ids = c.AuthenticationMethods?.GetValueOrDefault(AuthMethods.PrivateKeyJwt) ?? new List<string>();
            List<Credential> attached = ids.Select(c.FindCredential).OfType<Credential>()
                .Select(x => new Credential { Id = x.Id, Kid = x.Kid, Alg = x.Alg, PublicKeyPem = x.PublicKeyPem, ExpiresAt = x.ExpiresAt, CredentialType = x.CredentialType })
                .ToList();
            return new ClientView(c.ClientId, c.ClientSecret, c.TokenEndpointAuthMethod, c.UsesPrivateKeyJwt, c.GrantTypes.ToList(), attached);
        }
    }
}
