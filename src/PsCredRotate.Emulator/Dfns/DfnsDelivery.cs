using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>The outcome of one delivery: the receiver's HTTP status (null when it could not be reached).</summary>
public sealed record DeliveryResult(string EventId, int? Status, string? Error);

/// <summary>
/// Delivers one webhook event as Dfns documents it: POST of the compact JSON
/// <c>{id, kind, date, data, status, timestampSent}</c>, with
/// <c>X-DFNS-WEBHOOK-SIGNATURE: sha256=&lt;hex HMAC-SHA256(secret, raw body)&gt;</c>. One attempt, no retries.
/// </summary>
public static class DfnsDelivery
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The event body exactly as sent (compact JSON, members in this order).</summary>
    public static byte[] EventBody(string eventId, string kind, JsonElement data, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", eventId);
            writer.WriteString("kind", kind);
            writer.WriteString("date", DfnsCredentials.Date(now));
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteString("status", "200");
            writer.WriteNumber("timestampSent", now.ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The signature header value for a body: <c>sha256=</c> and the lowercase hex HMAC.</summary>
    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    /// <summary>Delivers one event and records it in the webhook's event log.</summary>
    public static async Task<DeliveryResult> DeliverAsync(DfnsContext ctx, DfnsWebhook webhook, string kind, JsonElement data, CancellationToken cancellationToken)
    {
        DateTimeOffset now = ctx.Now;
        DeliveryResult result = await DeliverAsync(webhook, kind, data, now, cancellationToken);
        string status = result.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0";
        ctx.Events.Add(new DfnsWebhookEvent(result.EventId, webhook.Id, kind, now, data.Clone(), status, result.Error, now.ToUnixTimeSeconds()));
        return result;
    }

    public static async Task<DeliveryResult> DeliverAsync(DfnsWebhook webhook, string kind, JsonElement data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string eventId = DfnsContext.NewId("whe");
        byte[] body = EventBody(eventId, kind, data, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(DfnsWire.WebhookSignatureHeader, Signature(webhook.Secret, body));
        try
        {
            using HttpResponseMessage response = await Http.SendAsync(request, cancellationToken);
            int status = (int)response.StatusCode;
            return new DeliveryResult(eventId, status, status == 200 ? null : $"The receiver answered {status}; Dfns counts only 200 as delivered.");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryResult(eventId, null, "The receiver could not be reached: " + ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(eventId, null, "The receiver did not answer within 10 seconds.");
        }
    }
}
