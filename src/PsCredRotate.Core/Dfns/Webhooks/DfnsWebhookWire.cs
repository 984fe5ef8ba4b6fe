namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>Wire names of the Dfns webhook API and of delivered events (dfns-api.md 5.4).</summary>
internal static class DfnsWebhookWire
{
    // Delivered event
    public const string EventId = "id";
    public const string EventKind = "kind";
    public const string TimestampSent = "timestampSent";
}
