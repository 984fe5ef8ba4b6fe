namespace PsCredRotate.Emulator.Dfns;

/// <summary>Registers and maps the Dfns surface (--dfns) on the same host as Auth0 (the paths do not overlap).</summary>
public static class DfnsSurface
{
    public static void AddDfns(this IServiceCollection services) => services.AddSingleton<DfnsContext>();

    public static void MapDfns(this WebApplication app, bool admin)
    {
        RouteGroupBuilder dfns = app.MapGroup("");
        dfns.AddEndpointFilter(async (ctx, next) =>
        {
            try
            {
                return await next(ctx).ConfigureAwait(false);
            }
            catch (DfnsApiException error)
            {
                return error.ToResult();
            }
        });
        DfnsUserActions.Map(dfns);
        DfnsCredentials.Map(dfns);
        DfnsWebhooks.Map(dfns);
        if (admin)
        {
            DfnsAdmin.Map(app);
        }
    }
}
