using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PsCredRotate.Emulator;

namespace PsCredRotate.Emulator.Tests.Infrastructure;

/// <summary>
/// An emulator started in-process on a free loopback port, with an HttpClient pointed at it.
/// Dispose stops it. Configure options before start through the callback.
/// </summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    private RunningEmulator(WebApplication app, EmulatorOptions options)
    {
        App = app;
        Options = options;
        BaseAddress = EmulatorHost.BaseAddress(app);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public EmulatorOptions Options { get; }

    /// <summary>The root URL with a trailing slash, e.g. http://127.0.0.1:43121/.</summary>
    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<RunningEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:0" };
        configure?.Invoke(options);
        WebApplication app = EmulatorHost.Build(options);
        await app.StartAsync();
        return new RunningEmulator(app, options);
    }

    /// <summary>
    /// Starts with hooks: <paramref name="services"/> registers test services after the emulator's
    /// (a later registration wins, e.g. a fake IStateAdmin); <paramref name="endpoints"/> maps extra
    /// test endpoints behind the operations middleware.
    /// </summary>
    public static async Task<RunningEmulator> StartAsync(Action<EmulatorOptions>? configure, Action<IServiceCollection>? services, Action<WebApplication>? endpoints)
    {
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:0" };
        configure?.Invoke(options);
        WebApplication app = EmulatorHost.Build(options, services, endpoints);
        await app.StartAsync();
        return new RunningEmulator(app, options);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
