using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Management;

/// <summary>The caller of a Management API request: the granted scopes of its valid access token.</summary>
public sealed record ManagementCaller(string ClientId, IReadOnlySet<string> Scopes);

/// <summary>
/// Bearer checks for /api/v2: an RS256 JWT signed by a non-revoked tenant signing key, aud
/// https://{domain}/api/v2/, not expired (401 otherwise); then the endpoint's scopes (403).
/// </summary>
public static class ManagementAuth
{
    private const string CallerKey = "auth0.caller";

    /// <summary>Scopes of which any one is enough.</summary>
    public static RouteHandlerBuilder AnyScope(this RouteHandlerBuilder builder, params string[] scopes) =>
        builder.AddEndpointFilter(async (ctx, next) => Check(ctx.HttpContext, scopes, all: false) ?? await next(ctx).ConfigureAwait(false));

    /// <summary>Scopes that are all needed.</summary>
    public static RouteHandlerBuilder AllScopes(this RouteHandlerBuilder builder, params string[] scopes) =>
        builder.AddEndpointFilter(async (ctx, next) => Check(ctx.HttpContext, scopes, all: true) ?? await next(ctx).ConfigureAwait(false));

    public static ManagementCaller Caller(this HttpContext http) => (ManagementCaller)http.Items[CallerKey]!;

    private static IResult? Check(HttpContext http, string[] scopes, bool all)
    {
        TenantContext tenant = http.RequestServices.GetRequiredService<TenantContext>();
        string? header = http.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Error(401, Auth0Messages.MissingAuthentication);
        }

        Jws? jws = Jws.TryParse(header[7..].Trim());
        if (jws is null || jws.Alg != "RS256" || jws.Kid is null)
        {
            return ApiResults.Error(401, Auth0Messages.InvalidToken);
        }

        string? pem = tenant.Store.Read(s => s.SigningKeys.Find(k => k.Kid == jws.Kid && !k.Revoked)?.PrivateKeyPem);
        if (pem is null || !jws.Verify(tenant.Rsa(pem), "RS256"))
        {
            return ApiResults.Error(401, Auth0Messages.InvalidSignature);
        }

        string audience = tenant.ManagementAudience(http);
        bool audOk = jws.Payload["aud"] switch
        {
            JsonValue v => v.TryGetValue(out string? s) && s == audience,
            JsonArray a => a.Any(n => n is JsonValue v && v.TryGetValue(out string? s) && s == audience),
            _ => false,
        };
        if (!audOk || jws.Text("iss") != tenant.TenantUrl(http))
        {
            return ApiResults.Error(401, Auth0Messages.InvalidToken);
        }

        long? exp = jws.Number("exp");
        if (exp is null || exp.Value <= tenant.Clock.UtcNow.ToUnixTimeSeconds())
        {
            return ApiResults.Error(401, Auth0Messages.ExpiredToken);
        }

        var granted = new HashSet<string>((jws.Text("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        bool ok = all ? scopes.All(granted.Contains) : scopes.Any(granted.Contains);
        if (!ok)
        {
            return ApiResults.Error(403, all ? Auth0Messages.InsufficientScopeAll(scopes) : Auth0Messages.InsufficientScopeAny(scopes), "insufficient_scope");
        }

        http.Items[CallerKey] = new ManagementCaller(jws.Text("azp") ?? "", granted);
        return null;
    }
}
