namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>The answer to POST /webhooks/{id}/ping: the receiver's HTTP status, and Dfns's error if the delivery failed.</summary>
public sealed class DfnsWebhookPing
{
    internal DfnsWebhookPing(string webhookId, string? status, string? error)
    {
        WebhookId = webhookId;
        Status = status;
        Error = error;
    }

    public string WebhookId { get; }

    /// <summary>The HTTP status the receiver answered, as Dfns reports it (for example <c>200</c>).</summary>
    public string? Status { get; }

    public string? Error { get; }

    /// <summary>True when the receiver answered 200, which is what Dfns counts as delivered.</summary>
    public bool Delivered => Status == "200" && string.IsNullOrEmpty(Error);

    public override string ToString() => $"Ping of webhook {WebhookId}: {Status ?? "no status"}{(string.IsNullOrEmpty(Error) ? string.Empty : " (" + Error + ")")}";
}
