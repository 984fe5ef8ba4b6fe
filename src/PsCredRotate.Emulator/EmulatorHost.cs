using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PsCredRotate.Emulator.Auth0;
using PsCredRotate.Emulator.Dfns;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator;

/// <summary>Builds and runs the emulator; tests start it in-process through <see cref="Build"/>.</summary>
public static class EmulatorHost
{
    public static WebApplication Build(EmulatorOptions options) => Build(options, null, null);

    /// <summary>
    /// Builds with hooks for tests: <paramref name="configureServices"/> runs after every emulator
    /// registration (a later registration wins), <paramref name="configureApp"/> after the
    /// operations middleware, before the Auth0 endpoints are mapped (extra endpoints go there).
    /// </summary>
    public static WebApplication Build(EmulatorOptions options, Action<IServiceCollection>? configureServices, Action<WebApplication>? configureApp)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Https)
        {
            // --https serves TLS on the --urls addresses: http:// there is taken as https://.
            options.Urls = options.Urls.Replace("http://", "https://", StringComparison.OrdinalIgnoreCase);
        }

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
        if (options.Dfns)
        {
            builder.Services.AddDfns();
        }
        if (options.Urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            X509Certificate2 certificate = SelfSignedCertificate.Create();
            if (options.CertOut is string certOut)
            {
                SelfSignedCertificate.WritePem(certificate, certOut);
            }

            builder.Services.AddSingleton(certificate);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        configureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();

        // Load the state now, so a corrupt --state file stops the start (exit 2) instead of the first request.
        _ = app.Services.GetService<IStateAdmin>();

        app.UseEmulatorOperations();
        if (options.Admin)
        {
            app.MapEmulatorAdmin();
        }

        configureApp?.Invoke(app);
        app.MapAuth0Tenant();
        if (options.Dfns)
        {
            app.MapDfns(options.Admin);
        }

        return app;
    }

    /// <summary>The base URL the started app listens on (port 0 resolved).</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
