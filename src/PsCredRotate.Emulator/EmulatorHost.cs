using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PsCredRotate.Emulator.Auth0;
using PsCredRotate.Emulator.Infrastructure;

namespace PsCredRotate.Emulator;

/// <summary>Builds and runs the emulator; tests start it in-process through <see cref="Build"/>.</summary>
public static class EmulatorHost
{
    public static WebApplication Build(EmulatorOptions options)
    {
        foreach (string url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
            bool loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                throw new ArgumentException($"The emulator listens on loopback only; '{url}' is not a loopback address.");
            }
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>() });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<EmulatorClock>();
        builder.Services.AddEmulatorOperations(options);
        builder.Services.AddAuth0Tenant(options);

        WebApplication app = builder.Build();
        app.UseEmulatorOperations();
        if (options.Admin)
        {
            app.MapEmulatorAdmin();
        }

        app.MapAuth0Tenant();
        return app;
    }

    /// <summary>The base URL the started app listens on (port 0 resolved).</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
