using System.Globalization;
using System.Text;
using System.Text.Json;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// /_emulator/ (only with --admin). Errors here are plain <c>{"error":"..."}</c> bodies, not Auth0's.
/// <list type="bullet">
/// <item>GET /_emulator/faults: the rules with their hits; PUT: replace (array); POST: add (rule or array); DELETE: clear.</item>
/// <item>POST /_emulator/reset: seeded state, clock offset 0, no faults, full rate bucket (204).</item>
/// <item>GET /_emulator/snapshot: the state JSON; PUT: restore it (204).</item>
/// <item>GET /_emulator/token-refusals: the refused kids; POST <c>{"kid":"…"}</c>: the token endpoint refuses assertions signed with that kid (401 invalid_client); DELETE: clear.</item>
/// <item>GET /_emulator/clock: <c>{now, offsetSeconds}</c>; POST <c>{"advanceSeconds":N}</c> or <c>{"set":"2027-01-01T00:00:00Z"}</c>.</item>
/// </list>
/// </summary>
internal static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app)
    {
        RouteGroupBuilder admin = app.MapGroup("/_emulator");

        admin.MapGet("/faults", (FaultInjector faults) => Results.Json(faults.Rules, Json));
        admin.MapPut("/faults", (HttpContext context, FaultInjector faults) => ChangeFaults(context, faults, replace: true));
        admin.MapPost("/faults", (HttpContext context, FaultInjector faults) => ChangeFaults(context, faults, replace: false));
        admin.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });

        admin.MapPost("/reset", (HttpContext context, EmulatorClock clock, FaultInjector faults, ManagementRateLimiter limiter, TokenRefusals refusals) =>
        {
            refusals.Clear();
            IStateAdmin? state = context.RequestServices.GetService<IStateAdmin>();
            state?.Reset();
            clock.Reset();
            faults.Clear();
            limiter.Refill();
            return Results.NoContent();
        });

        admin.MapGet("/snapshot", (HttpContext context) =>
            context.RequestServices.GetService<IStateAdmin>() is IStateAdmin state
                ? Results.Text(state.Snapshot(), "application/json; charset=utf-8")
                : NoState());

        admin.MapPut("/snapshot", async (HttpContext context) =>
        {
            if (context.RequestServices.GetService<IStateAdmin>() is not IStateAdmin state)
            {
                return NoState();
            }

            string body = await ReadTextAsync(context);
            try
            {
                using (JsonDocument.Parse(body))
                {
                }

                state.Restore(body);
                return Results.NoContent();
            }
            catch (JsonException ex)
            {
                return Error(400, $"The snapshot is not the emulator's state JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}); the state is unchanged.");
            }
            catch (ArgumentException ex)
            {
                return Error(400, $"The snapshot was refused: {ex.Message} The state is unchanged.");
            }
        });

        admin.MapGet("/token-refusals", (TokenRefusals refusals) => RefusalsResult(refusals));
        admin.MapPost("/token-refusals", async (HttpContext context, TokenRefusals refusals) =>
        {
            JsonElement body;
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(await ReadTextAsync(context));
            }
            catch (JsonException)
            {
                return Error(400, "Expected a JSON body: {\"kid\": \"...\"}.");
            }

            if (body.ValueKind != JsonValueKind.Object
                || !body.TryGetProperty("kid", out JsonElement kid)
                || kid.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(kid.GetString()))
            {
                return Error(400, "Expected a JSON object with a non-empty string 'kid': {\"kid\": \"...\"}. The refusals are unchanged.");
            }

            refusals.Add(kid.GetString()!);
            return RefusalsResult(refusals);
        });
        admin.MapDelete("/token-refusals", (TokenRefusals refusals) =>
        {
            refusals.Clear();
            return Results.NoContent();
        });

        admin.MapGet("/clock", (EmulatorClock clock) => ClockResult(clock));
        admin.MapPost("/clock", async (HttpContext context, EmulatorClock clock) =>
        {
            JsonElement body;
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(await ReadTextAsync(context));
            }
            catch (JsonException)
            {
                return Error(400, "Expected a JSON body: {\"advanceSeconds\": N} or {\"set\": \"2027-01-01T00:00:00Z\"}.");
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                return Error(400, "Expected a JSON object: {\"advanceSeconds\": N} or {\"set\": \"2027-01-01T00:00:00Z\"}.");
            }

            bool hasAdvance = body.TryGetProperty("advanceSeconds", out JsonElement advance);
            bool hasSet = body.TryGetProperty("set", out JsonElement set);
            if (hasAdvance == hasSet)
            {
                return Error(400, "Give exactly one of 'advanceSeconds' (a number of seconds, may be negative) and 'set' (an ISO 8601 instant).");
            }

            if (hasAdvance)
            {
                if (advance.ValueKind != JsonValueKind.Number || !advance.TryGetDouble(out double seconds) || Math.Abs(seconds) > 100 * 365.25 * 86400)
                {
                    return Error(400, "'advanceSeconds' must be a number of seconds within 100 years.");
                }

                clock.Advance(TimeSpan.FromSeconds(seconds));
            }
            else
            {
                if (set.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(set.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant))
                {
                    return Error(400, "'set' must be an ISO 8601 instant such as \"2027-01-01T00:00:00Z\".");
                }

                clock.Set(instant);
            }

            return ClockResult(clock);
        });
    }

    private static async Task<IResult> ChangeFaults(HttpContext context, FaultInjector faults, bool replace)
    {
        List<FaultRule> rules;
        try
        {
            rules = FaultInjector.Parse(await ReadTextAsync(context), "fault rules");
        }
        catch (ArgumentException ex)
        {
            return Error(400, ex.Message + " The rules are unchanged.");
        }

        if (replace)
        {
            faults.Replace(rules);
        }
        else
        {
            faults.Add(rules);
        }

        return Results.Json(faults.Rules, Json);
    }

    private static IResult ClockResult(EmulatorClock clock) => Results.Json(
        new { now = clock.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), offsetSeconds = clock.Offset.TotalSeconds },
        Json);

    private static IResult RefusalsResult(TokenRefusals refusals) => Results.Json(new { kids = refusals.Kids }, Json);

    private static IResult NoState() => Error(503, "This emulator has no tenant state registered.");

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    private static async Task<string> ReadTextAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }
}
