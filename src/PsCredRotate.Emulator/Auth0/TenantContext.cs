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
    private readonly ConcurrentDictionary<string, RSA> _keys = new(StringComparer.Ordinal);
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

    /// <summary>An RSA key imported from PEM (public or private), cached by its text.</summary>
    public RSA Rsa(string pem) => _keys.GetOrAdd(pem, static p =>
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(p);
        return rsa;
    });
}
