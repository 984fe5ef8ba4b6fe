using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security;
using System.Text.Json;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>
/// A Dfns webhook (Get-DfnsWebhook, New-DfnsWebhook). Its secret exists only on the object
/// New-DfnsWebhook returns, as a SecureString (<see cref="Secret"/>), or in the owner-only file
/// <see cref="SecretFile"/>; Dfns never returns it again. <see cref="ToString"/> never shows it.
/// </summary>
public sealed class DfnsWebhook
{
    internal DfnsWebhook(
        string id,
        string url,
        string[] events,
        string status,
        string? description,
        DateTimeOffset? dateCreated,
        DateTimeOffset? dateUpdated)
    {
        Id = id;
        Url = url;
        Events = events;
        Status = status;
        Description = description;
        DateCreated = dateCreated;
        DateUpdated = dateUpdated;
    }

    /// <summary>The webhook id (<c>wh-…</c>); binds to -WebhookId by property name.</summary>
    public string Id { get; }

    public string Url { get; }

    /// <summary>The event kinds it is subscribed to (<c>*</c>: all).</summary>
    public string[] Events { get; }

    /// <summary><c>Enabled</c> or <c>Disabled</c>.</summary>
    public string Status { get; }

    public string? Description { get; }

    public DateTimeOffset? DateCreated { get; }

    public DateTimeOffset? DateUpdated { get; }

    /// <summary>The signing secret, only on the object New-DfnsWebhook returns without -OutFile.</summary>
    public SecureString? Secret { get; internal set; }

    /// <summary>The full path of the owner-only file the secret was written to (New-DfnsWebhook -OutFile).</summary>
    public string? SecretFile { get; internal set; }

    /// <summary>The id of the webhook this one was created to replace (New-DfnsWebhook -Like).</summary>
    public string? Replaces { get; internal set; }

    public override string ToString() => $"Dfns webhook {Id} ({Status}) -> {Url}";

    /// <summary>Reads a webhook from the API's answer; the secret member, if any, is not read here.</summary>
    internal static DfnsWebhook FromJson(JsonElement json, string method, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrors.InvalidResponse(method, path, 200, "a webhook is not a JSON object", path);
        }

        string id = Text(json, DfnsWebhookWire.Id) ?? throw ApiErrors.InvalidResponse(method, path, 200, "a webhook has no id", path);
        string url = Text(json, DfnsWebhookWire.Url) ?? throw ApiErrors.InvalidResponse(method, path, 200, $"webhook {id} has no url", id);
        var events = new List<string>();
        if (json.TryGetProperty(DfnsWebhookWire.Events, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in list.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.String)
                {
                    events.Add(e.GetString()!);
                }
            }
        }

        return new DfnsWebhook(
            id,
            url,
            events.ToArray(),
            Text(json, DfnsWebhookWire.Status) ?? DfnsWebhookWire.StatusEnabled,
            Text(json, DfnsWebhookWire.Description),
            Date(json, DfnsWebhookWire.DateCreated),
            Date(json, DfnsWebhookWire.DateUpdated));
    }

    internal static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Date(JsonElement json, string name) =>
        Text(json, name) is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset date)
            ? date
            : null;
}
