using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using PsCredRotate.Emulator;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>
/// The emulator in-process on a free loopback port, with its admin area on, for tests that drive
/// Core's provider clients and engine over real HTTP. <see cref="SnapshotAsync"/> returns the whole
/// tenant state, so a test can prove that a refused call changed nothing.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private EmulatorServer(WebApplication app, EmulatorOptions options)
    {
        App = app;
        Options = options;
        BaseAddress = EmulatorHost.BaseAddress(app);
        Admin = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public EmulatorOptions Options { get; }

    /// <summary>The root URL with a trailing slash, e.g. http://127.0.0.1:43121/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The tenant domain as the emulator sees it (host:port), what -Domain takes with http://.</summary>
    public string Domain => BaseAddress.Authority;

    /// <summary>A plain HttpClient for /_emulator/ calls (no auth needed there).</summary>
    public HttpClient Admin { get; }

    public string ManagementClientId => Options.ManagementClientId;

    public string ManagementClientSecret => Options.ManagementClientSecret;

    public static async Task<EmulatorServer> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        // Dfns is on for every in-process server (its routes do not overlap Auth0's); see Dfns/DfnsEmulator.cs.
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:0", Admin = true, Dfns = true };
        configure?.Invoke(options);
        WebApplication app = EmulatorHost.Build(options);
        await app.StartAsync();
        return new EmulatorServer(app, options);
    }

    /// <summary>The whole tenant state (GET /_emulator/snapshot).</summary>
    public async Task<JsonNode> SnapshotAsync()
    {
        JsonNode? node = await Admin.GetFromJsonAsync<JsonNode>("_emulator/snapshot");
        return node ?? throw new InvalidOperationException("The emulator returned an empty snapshot.");
    }

    /// <summary>The snapshot as canonical text, for before/after equality.</summary>
    public async Task<string> SnapshotTextAsync() => (await SnapshotAsync()).ToJsonString();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
