namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>Wire names of the Dfns webhook API and of delivered events (dfns-api.md 5.4).</summary>
internal static class DfnsWebhookWire
{
    public const string WebhooksPath = "/webhooks";
    public const string PingSuffix = "/ping";

    /// <summary>The body the official SDK sends (and signs) with DELETE and ping.</summary>
    public const string EmptyBody = "{}";

    // Webhook
    public const string Id = "id";
    public const string Url = "url";
    public const string Events = "events";
    public const string Status = "status";
    public const string Description = "description";
    public const string DateCreated = "dateCreated";
    public const string DateUpdated = "dateUpdated";
    public const string Secret = "secret";

    public const string StatusEnabled = "Enabled";
    public const string StatusDisabled = "Disabled";
    public const string AllEvents = "*";

    // Lists
    public const string Items = "items";
    public const string NextPageToken = "nextPageToken";
    public const string PaginationToken = "paginationToken";
    public const string Limit = "limit";

    // Delete and ping answers
    public const string Deleted = "deleted";
    public const string Error = "error";

    // Delivered event
    public const string EventId = "id";
    public const string EventKind = "kind";
    public const string TimestampSent = "timestampSent";
}
