using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>
/// Webhooks: GET/POST /webhooks (POST is UA), GET/PUT/DELETE /webhooks/{id} (PUT, DELETE UA),
/// POST /webhooks/{id}/ping (UA). The secret is returned by the create call only; it signs every
/// delivery (see <see cref="DfnsDelivery"/>).
/// </summary>
public static class DfnsWebhooks
{
    public static void Map(RouteGroupBuilder dfns)
    {
        dfns.MapGet("/webhooks", (HttpContext http, DfnsContext ctx) =>
        {
            ctx.Authenticate(http);
            return Results.Json(new { items = ctx.Read(s => s.Webhooks.Select(Wire).ToArray()) });
        });
        dfns.MapPost("/webhooks", CreateAsync);
        dfns.MapGet("/webhooks/{id}", (string id, HttpContext http, DfnsContext ctx) =>
        {
            ctx.Authenticate(http);
            return Results.Json(ctx.Read(s => s.FindWebhook(id) is { } w ? Wire(w) : throw NotFound(id)));
        });
        dfns.MapPut("/webhooks/{id}", UpdateAsync);
        dfns.MapDelete("/webhooks/{id}", async (string id, HttpContext http, DfnsContext ctx) =>
        {
            await DfnsUserActions.AuthorizeAsync(http, ctx);
            ctx.Write(s => s.Webhooks.RemoveAll(w => w.Id == id) > 0 ? 0 : throw NotFound(id));
            ctx.Events.Forget(id);
            return Results.Json(new { deleted = true });
        });
        dfns.MapGet("/webhooks/{id}/events", (string id, HttpContext http, DfnsContext ctx) =>
        {
            ctx.Authenticate(http);
            _ = ctx.Read(s => s.FindWebhook(id)) ?? throw NotFound(id);
            IEnumerable<DfnsWebhookEvent> events = ctx.Events.For(id);
            string? kind = http.Request.Query["kind"];
            string? failed = http.Request.Query["deliveryFailed"];
            if (!string.IsNullOrEmpty(kind))
            {
                events = events.Where(e => e.Kind == kind);
            }

            if (failed is "true" or "false")
            {
                events = events.Where(e => (e.Status != "200") == (failed == "true"));
            }

            if (int.TryParse(http.Request.Query["limit"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int limit) && limit > 0)
            {
                events = events.Take(limit);
            }

            return Results.Json(new { items = events.Select(e => e.Wire()).ToArray() });
        });
        dfns.MapGet("/webhooks/{id}/events/{eventId}", (string id, string eventId, HttpContext http, DfnsContext ctx) =>
        {
            ctx.Authenticate(http);
            _ = ctx.Read(s => s.FindWebhook(id)) ?? throw NotFound(id);
            DfnsWebhookEvent e = ctx.Events.For(id).FirstOrDefault(x => x.Id == eventId)
                ?? throw DfnsApiException.NotFound($"Webhook event '{eventId}' not found.");
            return Results.Json(e.Wire());
        });
        dfns.MapPost("/webhooks/{id}/ping", async (string id, HttpContext http, DfnsContext ctx) =>
        {
            await DfnsUserActions.AuthorizeAsync(http, ctx);
            DfnsWebhook webhook = ctx.Read(s => s.FindWebhook(id)) ?? throw NotFound(id);
            DeliveryResult result = await DfnsDelivery.DeliverAsync(ctx, webhook, "webhook.ping", JsonSerializer.SerializeToElement(new { webhookId = id }), http.RequestAborted);
            return Results.Json(new { status = result.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0", error = result.Error });
        });
    }

    /// <summary>The webhook as Dfns returns it outside creation: never the secret.</summary>
    public static object Wire(DfnsWebhook w) => new
    {
        id = w.Id,
        url = w.Url,
        events = w.Events.ToArray(),
        status = w.Status,
        description = w.Description,
        dateCreated = DfnsCredentials.Date(w.DateCreated),
        dateUpdated = DfnsCredentials.Date(w.DateUpdated),
    };

    private static DfnsApiException NotFound(string id) => DfnsApiException.NotFound($"Webhook '{id}' not found.");

    private static async Task<IResult> CreateAsync(HttpContext http, DfnsContext ctx)
    {
        (_, byte[] raw) = await DfnsUserActions.AuthorizeAsync(http, ctx);
        JsonElement body = DfnsRequests.Object(raw);
        string url = Url(DfnsRequests.RequiredString(body, "url"));
        List<string> events = Events(body) ?? throw DfnsApiException.BadRequest("body.events is required: a non-empty array of event kinds or \"*\".");
        string status = Status(DfnsRequests.OptionalString(body, "status")) ?? DfnsWire.WebhookEnabled;
        string? description = DfnsRequests.OptionalString(body, "description");
        DateTimeOffset now = ctx.Now;
        var webhook = new DfnsWebhook
        {
            Id = DfnsContext.NewId("wh"),
            Url = url,
            Events = events,
            Status = status,
            Description = description,
            DateCreated = now,
            DateUpdated = now,
            Secret = "whsec-" + DfnsContext.RandomBase64Url(32),
        };
        ctx.Write(s =>
        {
            s.Webhooks.Add(webhook);
            return 0;
        });
        return Results.Json(new
        {
            id = webhook.Id,
            url = webhook.Url,
            events = webhook.Events.ToArray(),
            status = webhook.Status,
            description = webhook.Description,
            dateCreated = DfnsCredentials.Date(webhook.DateCreated),
            dateUpdated = DfnsCredentials.Date(webhook.DateUpdated),
            secret = webhook.Secret,
        });
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, DfnsContext ctx)
    {
        (_, byte[] raw) = await DfnsUserActions.AuthorizeAsync(http, ctx);
        JsonElement body = DfnsRequests.Object(raw);
        string? url = DfnsRequests.OptionalString(body, "url") is { } u ? Url(u) : null;
        List<string>? events = Events(body);
        string? status = Status(DfnsRequests.OptionalString(body, "status"));
        bool hasDescription = body.TryGetProperty("description", out _);
        string? description = DfnsRequests.OptionalString(body, "description");
        DateTimeOffset now = ctx.Now;
        object wire = ctx.Write(s =>
        {
            DfnsWebhook webhook = s.FindWebhook(id) ?? throw NotFound(id);
            webhook.Url = url ?? webhook.Url;
            webhook.Events = events ?? webhook.Events;
            webhook.Status = status ?? webhook.Status;
            webhook.Description = hasDescription ? description : webhook.Description;
            webhook.DateUpdated = now;
            return Wire(webhook);
        });
        return Results.Json(wire);
    }

    private static string Url(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw DfnsApiException.BadRequest("body.url must be an absolute http(s) URL.");
        }

        return url;
    }

    private static List<string>? Events(JsonElement body)
    {
        if (!body.TryGetProperty("events", out JsonElement events) || events.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (events.ValueKind != JsonValueKind.Array || events.GetArrayLength() == 0)
        {
            throw DfnsApiException.BadRequest("body.events must be a non-empty array of event kinds or \"*\".");
        }

        var list = new List<string>();
        foreach (JsonElement e in events.EnumerateArray())
        {
            string? kind = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            if (kind is null || !DfnsWire.WebhookEventKinds.Contains(kind))
            {
                throw DfnsApiException.BadRequest($"body.events: '{(kind ?? e.GetRawText())}' is not a webhook event kind.");
            }

            list.Add(kind);
        }

        return list;
    }

    private static string? Status(string? status) => status switch
    {
        null => null,
        DfnsWire.WebhookEnabled or DfnsWire.WebhookDisabled => status,
        _ => throw DfnsApiException.BadRequest("body.status must be Enabled or Disabled."),
    };

    /// <summary>POST /_emulator/dfns/webhooks/{id}/deliver <c>{kind, data}</c> → <c>{status, error}</c>.</summary>
    internal static async Task<IResult> AdminDeliverAsync(string id, HttpContext http, DfnsContext ctx)
    {
        JsonElement? body = await DfnsAdmin.ObjectAsync(http);
        if (body is not { } b || !b.TryGetProperty("kind", out JsonElement kind) || kind.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(kind.GetString()))
        {
            return DfnsAdmin.Error(400, "Expected {\"kind\": \"wallet.created\", \"data\": {...}}.");
        }

        JsonElement data = b.TryGetProperty("data", out JsonElement d) && d.ValueKind == JsonValueKind.Object
            ? d
            : JsonSerializer.SerializeToElement(new { });
        DfnsWebhook? webhook = ctx.Read(s => s.FindWebhook(id));
        if (webhook is null)
        {
            return DfnsAdmin.Error(404, $"Webhook '{id}' not found.");
        }

        DeliveryResult result = await DfnsDelivery.DeliverAsync(ctx, webhook, kind.GetString()!, data, http.RequestAborted);
        return Results.Json(new { status = result.Status, error = result.Error, eventId = result.EventId });
    }
}
