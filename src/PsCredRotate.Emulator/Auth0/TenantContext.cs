using System.Collections.Concurrent;
using System.Security.Cryptography;
using PsCredRotate.Emulator.Auth0.Model;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator.Auth0;

/// <summary>
/// What every Auth0 endpoint needs: the state, the clock, the tenant domain (resolved lazily) and a
/// cache of imported RSA keys (importing a PEM per request would dominate the token endpoint).
/// </summary>
public sealed class TenantContext
{
    private readonly EmulatorOptions _options;
    // RSA objects are not documented as safe for concurrent use: each thread keeps its own imports.
    [ThreadStatic]
    private static Dictionary<string, RSA>? t_keys;

    private readonly ConcurrentDictionary<string, string> _signed = new(StringComparer.Ordinal);
    private string? _resolvedDomain;

    public TenantContext(StateStore<TenantState> store, EmulatorClock clock, EmulatorOptions options)
    {
        Store = store;
        Clock = clock;
        _options = options;
    }

    public StateStore<TenantState> Store { get; }

    public EmulatorClock Clock { get; }

    /// <summary>Now, to the millisecond (Auth0 keeps milliseconds).</summary>
    public DateTimeOffset Now => Crypto.KeyMaterial.Millis(Clock.UtcNow);

    /// <summary>--domain, else the seed's domain, else the Host of the first request (host:port).</summary>
    public string Domain(HttpContext http)
    {
        string? fixedDomain = _options.Domain ?? Store.Read(s => s.Domain);
        if (!string.IsNullOrEmpty(fixedDomain))
        {
            return fixedDomain;
        }

        string? resolved = Volatile.Read(ref _resolvedDomain);
        if (resolved is not null)
        {
            return resolved;
        }

        string host = http.Request.Host.HasValue ? http.Request.Host.Value! : "localhost";
        return Interlocked.CompareExchange(ref _resolvedDomain, host, null) ?? host;
    }

    /// <summary>https://{domain}/ : issuer of access tokens and the aud of client assertions.</summary>
    public string TenantUrl(HttpContext http) => "https://" + Domain(http) + "/";

    /// <summary>https://{domain}/api/v2/ : the Management API audience.</summary>
    public string ManagementAudience(HttpContext http) => TenantUrl(http) + "api/v2/";

    /// <summary>Expands the {tenant} placeholder (https://domain, no trailing slash) of seeded identifiers.</summary>
    public string Expand(string identifier, HttpContext http) =>
        identifier.Replace("{tenant}", "https://" + Domain(http), StringComparison.Ordinal);

    /// <summary>
    /// Signs an RS256 JWT. RS256 (PKCS#1 v1.5) is deterministic, so the same key and claims always give
    /// the same token: within one second repeated requests reuse the signature instead of recomputing it.
    /// </summary>
    public string SignRs256(string kid, string privatePem, System.Text.Json.Nodes.JsonObject claims)
    {
        string cacheKey = kid + "\n" + claims.ToJsonString();
        if (_signed.TryGetValue(cacheKey, out string? token))
        {
            return token;
        }

        token = Crypto.Jws.SignRs256(Rsa(privatePem), kid, claims);
        if (_signed.Count > 4096)
        {
            _signed.Clear();
        }

        _signed[cacheKey] = token;
        return token;
    }

    /// <summary>An RSA key imported from PEM (public or private), cached per thread by its text.</summary>
    public RSA Rsa(string pem)
    {
        Dictionary<string, RSA> keys = t_keys ??= new Dictionary<string, RSA>(StringComparer.Ordinal);
        if (!keys.TryGetValue(pem, out RSA? rsa))
        {
            if (keys.Count > 256)
            {
                keys.Clear();
            }

            rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            keys[pem] = rsa;
        }

        return rsa;
    }
}
