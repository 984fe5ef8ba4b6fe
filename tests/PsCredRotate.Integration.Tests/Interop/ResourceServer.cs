using System.Diagnostics;
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

    private readonly Process _node;
    private readonly HttpClient _http;

    private ResourceServer(Process node, Uri stats)
    {
        _node = node;
        _http = new HttpClient { BaseAddress = stats, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<ResourceServer> StartAsync(EmulatorServer emulator)
    {
        string interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "express-oauth2-jwt-bearer")), "run `npm ci` in tests/interop");
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("resource-server.mjs");
        info.Environment["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/');
        info.Environment["TENANT_ISSUER"] = "https://" + emulator.Domain + "/";
        info.Environment["AUDIENCE"] = TenantSeed.SampleApi;
        info.Environment["CLIENT_ID"] = TenantSeed.SampleClientId;
        info.Environment["CLIENT_SECRET"] = TenantSeed.SampleClientSecret;
        info.Environment["CALL_INTERVAL_MS"] = "50";
        info.Environment["TOKEN_REUSE_MS"] = ((int)TokenReuse.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["JWKS_CACHE_MS"] = ((int)JwksCache.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Process node = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        _ = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await node.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            node.Kill(entireProcessTree: true);
            node.Dispose();
            throw new InvalidOperationException($"resource-server.mjs did not start: '{line}'.");
        }

        _ = node.StandardOutput.ReadToEndAsync();
        return new ResourceServer(node, new Uri("http://127.0.0.1:" + line["listening ".Length..].Trim() + "/"));
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
        if (!_node.HasExited)
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }

        _node.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PsCredRotate.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("PsCredRotate.sln not found above the test assembly.");
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
