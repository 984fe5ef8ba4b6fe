using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// Rate limiting, fault injection, request hygiene and the /_emulator/ admin area.
/// Pipeline, outermost first: exception boundary (Auth0 500, never exception text; an exception
/// after the response started aborts the connection) and the 1 MB body limit, routing, the
/// Management API token bucket (/api/v2/*: x-ratelimit-* on every response, 429 when empty), fault
/// injection (everything but /_emulator/), a Content-Length over 1 MB refused with 413 before any
/// read, unknown routes answered 404 with an Auth0 body, and empty error responses of endpoints
/// (405, 415, binding 400s) given Auth0 bodies.
/// </summary>
public static class Operations
{
    /// <summary>Body limit of the admin area, where snapshots travel.</summary>
    public const long MaxAdminBodyBytes = 64L * 1024 * 1024;

    public static void AddEmulatorOperations(this IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton<ManagementRateLimiter>();
        services.AddSingleton(new FaultInjector(options));
        services.AddSingleton<TokenRefusals>();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = ErrorResponses.MaxBodyBytes);
    }

    /// <summary>Middleware that runs before every endpoint.</summary>
    public static void UseEmulatorOperations(this WebApplication app)
    {
        app.Use(ExceptionBoundary);
        app.UseRouting();
        ManagementRateLimiter limiter = app.Services.GetRequiredService<ManagementRateLimiter>();
        FaultInjector faults = app.Services.GetRequiredService<FaultInjector>();
        app.Use((context, next) => RateLimit(context, next, limiter));
        app.Use((context, next) => InjectFaults(context, next, faults, limiter));
        app.Use(Hygiene);
    }

    /// <summary>/_emulator/ endpoints; only when started with --admin.</summary>
    public static void MapEmulatorAdmin(this WebApplication app) => AdminEndpoints.Map(app);

    private static async Task ExceptionBoundary(HttpContext context, RequestDelegate next)
    {
        if (ErrorResponses.IsAdmin(context.Request.Path)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxAdminBodyBytes;
        }

        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex)
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            int status = ex is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            if (status is < 400 or > 599)
            {
                status = StatusCodes.Status400BadRequest;
            }

            await ErrorResponses.WriteAsync(context, status);
        }
    }

    private static Task RateLimit(HttpContext context, RequestDelegate next, ManagementRateLimiter limiter)
    {
        if (!ErrorResponses.IsManagementApi(context.Request.Path))
        {
            return next(context);
        }

        RateLimitDecision decision = limiter.Take();
        SetRateLimitHeaders(context, decision);
        return decision.Allowed ? next(context) : ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests);
    }

    private static void SetRateLimitHeaders(HttpContext context, RateLimitDecision decision)
    {
        context.Items[typeof(RateLimitDecision)] = decision;
        if (!context.Items.ContainsKey(typeof(ManagementRateLimiter)))
        {
            // Set when the response starts, so a cleared response (exception, commit-then-fail) keeps them.
            context.Items[typeof(ManagementRateLimiter)] = true;
            context.Response.OnStarting(
                static state =>
                {
                    var ctx = (HttpContext)state;
                    ((RateLimitDecision)ctx.Items[typeof(RateLimitDecision)]!).Apply(ctx.Response.Headers);
                    return Task.CompletedTask;
                },
                context);
        }
    }

    private static async Task InjectFaults(HttpContext context, RequestDelegate next, FaultInjector faults, ManagementRateLimiter limiter)
    {
        if (ErrorResponses.IsAdmin(context.Request.Path))
        {
            await next(context);
            return;
        }

        (int latencyMs, FaultRule? rule) = faults.Decide(context.Request.Method, context.Request.Path.Value ?? "/");
        if (latencyMs > 0)
        {
            await Task.Delay(latencyMs, context.RequestAborted);
        }

        switch (rule?.Kind)
        {
            case null:
                await next(context);
                return;
            case "status500":
                await ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError);
                return;
            case "status503":
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable);
                return;
            case "status429":
                if (ErrorResponses.IsManagementApi(context.Request.Path))
                {
                    SetRateLimitHeaders(context, limiter.Exhausted());
                }

                await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests);
                return;
            case "reset":
                context.Abort();
                return;
            case "commitThenFail":
                await CommitThenFail(context, next, rule.Then == "reset");
                return;
        }
    }

    private static async Task CommitThenFail(HttpContext context, RequestDelegate next, bool reset)
    {
        IHttpResponseBodyFeature original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var discarded = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(discarded));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (reset || context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        await ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError);
    }

    private static async Task Hygiene(HttpContext context, RequestDelegate next)
    {
        long limit = ErrorResponses.IsAdmin(context.Request.Path) ? MaxAdminBodyBytes : ErrorResponses.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            // Refused unread; the server drains or closes what the client still sends.
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge);
            return;
        }

        if (context.GetEndpoint() is null)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status404NotFound);
            return;
        }

        await next(context);
        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null or 0)
        {
            // An endpoint (or the framework: 405 for a known path with another method, 415/400 from
            // parameter binding) answered an error without a body: give it Auth0's shape. Auth0
            // answers an unknown method on a known path as an unknown route.
            int status = context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed ? StatusCodes.Status404NotFound : context.Response.StatusCode;
            context.Response.Clear();
            await ErrorResponses.WriteAsync(context, status);
        }
    }
}
