using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Interop;

/// <summary>
/// tests/interop/resource-server.mjs as a child process: an Express API behind Auth0's own
/// express-oauth2-jwt-bearer middleware (real JWKS fetching and caching) and a caller that requests
/// it every 50 ms with a token from the emulator (the sample client's secret), kept for
/// <see cref="TokenReuse"/> as a real client keeps its token. <see cref="StatsAsync"/> reads its counts.
/// </summary>
internal sealed class ResourceServer : IAsyncDisposable
{
    /// <summary>How long the caller keeps one token (its lifetime, for the test's purposes).</summary>
    public static readonly TimeSpan TokenReuse = TimeSpan.FromMilliseconds(3000);

    /// <summary>How long the middleware caches the JWKS.</summary>
    public static readonly TimeSpan JwksCache = TimeSpan.FromMilliseconds(300);

    private readonly NodeServer _node;
    private readonly HttpClient _http;

    private ResourceServer(NodeServer node, Uri stats)
    {
        _node = node;
        _http = new HttpClient { BaseAddress = stats, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<ResourceServer> StartAsync(EmulatorServer emulator)
    {
        var environment = new Dictionary<string, string>
        {
            ["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["TENANT_ISSUER"] = "https://" + emulator.Domain + "/",
            ["AUDIENCE"] = TenantSeed.SampleApi,
            ["CLIENT_ID"] = TenantSeed.SampleClientId,
            ["CLIENT_SECRET"] = TenantSeed.SampleClientSecret,
            ["CALL_INTERVAL_MS"] = "50",
            ["TOKEN_REUSE_MS"] = ((int)TokenReuse.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["JWKS_CACHE_MS"] = ((int)JwksCache.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        NodeServer node = await NodeServer.StartAsync("resource-server.mjs", "express-oauth2-jwt-bearer", "listening ", environment);
        return new ResourceServer(node, new Uri("http://127.0.0.1:" + node.ReadyValue + "/"));
    }

    public async Task<ResourceServerStats> StatsAsync()
    {
        JsonNode node = (await _http.GetFromJsonAsync<JsonNode>("stats"))!;
        return new ResourceServerStats(
            node["accepted"]!.GetValue<int>(),
            node["rejected"]!.GetValue<int>(),
            node["callErrors"]!.GetValue<int>(),
            node["tokenErrors"]!.GetValue<int>(),
            node["tokens"]!.GetValue<int>(),
            node["kidsAccepted"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()),
            node["kidsRejected"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()),
            node["lastRejection"]?.GetValue<string>());
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the counts (or fails after <paramref name="within"/>).</summary>
    public async Task<ResourceServerStats> WaitForAsync(Func<ResourceServerStats, bool> condition, TimeSpan within, string what)
    {
        DateTime until = DateTime.UtcNow + within;
        ResourceServerStats stats = await StatsAsync();
        while (!condition(stats))
        {
            if (DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; counts: {stats}");
            }

            await Task.Delay(50);
            stats = await StatsAsync();
        }

        return stats;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _node.DisposeAsync();
    }
}

internal sealed record ResourceServerStats(
    int Accepted,
    int Rejected,
    int CallErrors,
    int TokenErrors,
    int Tokens,
    IReadOnlyDictionary<string, int> KidsAccepted,
    IReadOnlyDictionary<string, int> KidsRejected,
    string? LastRejection)
{
    public override string ToString() =>
        $"accepted {Accepted} [{string.Join(", ", KidsAccepted.Select(p => p.Key[..8] + "…=" + p.Value))}], rejected {Rejected} [{string.Join(", ", KidsRejected.Select(p => p.Key[..8] + "…=" + p.Value))}], call errors {CallErrors}, token errors {TokenErrors}";
}
