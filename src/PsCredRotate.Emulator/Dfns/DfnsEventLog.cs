using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>One delivered webhook event as GET /webhooks/{id}/events shows it.</summary>
public sealed record DfnsWebhookEvent(string Id, string WebhookId, string Kind, DateTimeOffset Date, JsonElement Data, string Status, string? Error, long TimestampSent)
{
    public object Wire() => new
    {
        id = Id,
        date = DfnsCredentials.Date(Date),
        kind = Kind,
        data = Data,
        status = Status,
        error = Error,
        timestampSent = TimestampSent,
    };
}

/// <summary>
/// The events delivered to each webhook, newest first, at most 100 per webhook. In memory only
/// (Dfns keeps them 31 days; the emulator until it stops).
/// </summary>
public sealed class DfnsEventLog
{
    private const int Keep = 100;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<DfnsWebhookEvent>> _events = new(StringComparer.Ordinal);

    public void Add(DfnsWebhookEvent e)
    {
        lock (_gate)
        {
            if (!_events.TryGetValue(e.WebhookId, out List<DfnsWebhookEvent>? list))
            {
                _events[e.WebhookId] = list = new List<DfnsWebhookEvent>();
            }

            list.Insert(0, e);
            if (list.Count > Keep)
            {
                list.RemoveAt(list.Count - 1);
            }
        }
    }

    public IReadOnlyList<DfnsWebhookEvent> For(string webhookId)
    {
        lock (_gate)
        {
            return _events.TryGetValue(webhookId, out List<DfnsWebhookEvent>? list) ? list.ToArray() : Array.Empty<DfnsWebhookEvent>();
        }
    }

    public void Forget(string webhookId)
    {
        lock (_gate)
        {
            _events.Remove(webhookId);
        }
    }
}
