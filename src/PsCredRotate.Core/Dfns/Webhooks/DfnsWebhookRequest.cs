using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>What New-DfnsWebhook asks Dfns to create: POST /webhooks {url, events, status?, description?}.</summary>
public sealed class DfnsWebhookRequest
{
    public DfnsWebhookRequest(string url, IEnumerable<string> events, string? description = null, string? status = null)
    {
        Url = url;
        Events = events?.ToArray() ?? Array.Empty<string>();
        Description = description;
        Status = status;
    }

    public string Url { get; }

    public IReadOnlyList<string> Events { get; }

    public string? Description { get; }

    /// <summary><c>Enabled</c> or <c>Disabled</c>; null lets Dfns choose (Enabled).</summary>
    public string? Status { get; }

    /// <summary>The id of the webhook the new one replaces (-Like): its url and events are copied.</summary>
    public string? Replaces { get; private set; }

    /// <summary>
    /// A request for a webhook that replaces <paramref name="old"/>: same url and events; its
    /// status unless <paramref name="status"/> is given; a description that names the old webhook
    /// unless <paramref name="description"/> is given.
    /// </summary>
    public static DfnsWebhookRequest ReplacementFor(DfnsWebhook old, string? description = null, string? status = null)
    {
        if (old is null)
        {
            throw new ArgumentNullException(nameof(old));
        }

        string text = description ?? ("Replaces webhook " + old.Id + (string.IsNullOrWhiteSpace(old.Description) ? string.Empty : ": " + old.Description));
        return new DfnsWebhookRequest(old.Url, old.Events, text, status ?? old.Status) { Replaces = old.Id };
    }
}
