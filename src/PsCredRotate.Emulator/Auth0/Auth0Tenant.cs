using PsCredRotate.Emulator.Auth0.Endpoints;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;
using PsCredRotate.Emulator.Auth0.Tokens;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator.Auth0;

/// <summary>Registers and maps the Auth0 surface (Authentication API and Management API v2).</summary>
public static class Auth0Tenant
{
    public static void AddAuth0Tenant(this IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp =>
        {
            EmulatorClock clock = sp.GetRequiredService<EmulatorClock>();
            TenantState initial = TenantSeed.Build(options, Crypto.KeyMaterial.Millis(clock.UtcNow));
            IStatePersistence? persistence = options.StatePath is null ? null : new AtomicFilePersistence(options.StatePath);
            return new StateStore<TenantState>(initial, persistence);
        });
        services.AddSingleton<IStateAdmin>(sp => sp.GetRequiredService<StateStore<TenantState>>());
        services.AddSingleton<TenantContext>();
        services.AddSingleton<Tokens.JtiReplayCache>();
    }

    public static void MapAuth0Tenant(this WebApplication app)
    {
        // Build the tenant (and fail on a bad seed) at start, not at the first request.
        _ = app.Services.GetRequiredService<StateStore<TenantState>>();

        TokenEndpoint.Map(app);
        Discovery.Map(app);

        RouteGroupBuilder api = app.MapGroup("/api/v2");
        api.AddEndpointFilter(async (ctx, next) =>
        {
            try
            {
                return await next(ctx).ConfigureAwait(false);
            }
            catch (ApiError error)
            {
                return error.ToResult();
            }
        });
        ClientEndpoints.Map(api);
        CredentialEndpoints.Map(api);
        SigningKeyEndpoints.Map(api);
        ConnectionEndpoints.Map(api);
    }
}
