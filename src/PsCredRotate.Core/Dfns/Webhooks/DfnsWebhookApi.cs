using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.ClientSecrets;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>One Dfns API call: method, path (with query), body (JSON text or object), user-action signed or not.</summary>
internal delegate Task<JsonElement> DfnsSend(HttpMethod method, string path, object? body, bool userAction, CancellationToken cancellationToken);

/// <summary>
/// The Dfns webhook calls (dfns-api.md 5.4): list, get, create, delete and ping; create, delete
/// and ping are user-action signed by the connection's current credential. An unknown webhook is
/// <see cref="ErrorIds.DfnsWebhookNotFound"/>. The secret Dfns returns at creation leaves only as
/// a SecureString on the result or in an owner-only file, checked before anything is created.
/// </summary>
public sealed partial class DfnsWebhookApi
{
    /// <summary>Page size of GET /webhooks.</summary>
    internal const int PageSize = 100;

    private const int MaxPages = 1000;
    private const int MaxIdLength = 128;

    private readonly DfnsSend _send;

    internal DfnsWebhookApi(DfnsSend send)
    {
        _send = send ?? throw new ArgumentNullException(nameof(send));
    }

    /// <summary>Every webhook of the organisation (GET /webhooks, all pages).</summary>
    public async Task<IReadOnlyList<DfnsWebhook>> ListAsync(CancellationToken cancellationToken)
    {
        var webhooks = new List<DfnsWebhook>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (int page = 0; page < MaxPages; page++)
        {
            string path = DfnsWebhookWire.WebhooksPath + "?" + DfnsWebhookWire.Limit + "=" + PageSize.ToString(CultureInfo.InvariantCulture)
                + (token is null ? string.Empty : "&" + DfnsWebhookWire.PaginationToken + "=" + Uri.EscapeDataString(token));
            JsonElement answer = await SendAsync(HttpMethod.Get, path, null, false, null, cancellationToken).ConfigureAwait(false);
            if (!answer.TryGetProperty(DfnsWebhookWire.Items, out JsonElement items) || items.ValueKind != JsonValueKind.Array)
            {
                throw ApiErrors.InvalidResponse("GET", DfnsWebhookWire.WebhooksPath, 200, "no items in the answer", DfnsWebhookWire.WebhooksPath);
            }

            foreach (JsonElement item in items.EnumerateArray())
            {
                webhooks.Add(DfnsWebhook.FromJson(item, "GET", DfnsWebhookWire.WebhooksPath));
            }

            token = DfnsWebhook.Text(answer, DfnsWebhookWire.NextPageToken);
            if (string.IsNullOrEmpty(token) || !seen.Add(token!))
            {
                break;
            }
        }

        return webhooks;
    }

    /// <summary>One webhook (GET /webhooks/{id}); <see cref="ErrorIds.DfnsWebhookNotFound"/> when there is none.</summary>
    public async Task<DfnsWebhook> GetAsync(string webhookId, CancellationToken cancellationToken)
    {
        string path = WebhookPath(webhookId);
        JsonElement answer = await SendAsync(HttpMethod.Get, path, null, false, webhookId, cancellationToken).ConfigureAwait(false);
        return DfnsWebhook.FromJson(answer, "GET", path);
    }

    /// <summary>
    /// Creates a webhook (POST /webhooks, user-action signed). Its secret comes back as
    /// <see cref="DfnsWebhook.Secret"/>, or, with <paramref name="secretFile"/>, only in that new
    /// owner-only (0600) file: an existing file or a bad path is refused before anything is created
    /// (<see cref="ErrorIds.SecretFileExists"/>, <see cref="ErrorIds.SecretFilePathInvalid"/>).
    /// </summary>
    public async Task<DfnsWebhook> CreateAsync(DfnsWebhookRequest request, string? secretFile, CancellationToken cancellationToken)
    {
        string body = Validate(request);
        string? target = secretFile is null ? null : ClientSecretFile.CheckTarget(secretFile, overwrite: false);

        JsonElement answer = await SendAsync(HttpMethod.Post, DfnsWebhookWire.WebhooksPath, body, true, null, cancellationToken).ConfigureAwait(false);
        DfnsWebhook created = DfnsWebhook.FromJson(answer, "POST", DfnsWebhookWire.WebhooksPath);
        created.Replaces = request.Replaces;
        string? secretText = DfnsWebhook.Text(answer, DfnsWebhookWire.Secret);
        if (string.IsNullOrEmpty(secretText))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsWebhookSecretMissing,
                ErrorKind.InvalidData,
                $"Dfns created webhook {created.Id} but its answer holds no secret, and Dfns never shows it again. Remove the webhook (Remove-DfnsWebhook -WebhookId {created.Id}) and create it again.",
                created.Id);
        }

        SecureString secret = SecureStrings.FromString(secretText!);
        OperationLog.Current.Verbose($"Created Dfns webhook {created.Id} for {created.Url} ({string.Join(", ", created.Events)}).");
        if (target is null)
        {
            created.Secret = secret;
            return created;
        }

        try
        {
            ClientSecretFile.Write(target, secret, overwrite: false);
        }
        catch (PsCredRotateException ex)
        {
            // The webhook exists and Dfns will not show the secret again: hand it over in memory.
            created.Secret = secret;
            throw new DfnsWebhookSecretFileException(
                $"Dfns created webhook {created.Id}, but its secret could not be written to '{target}': {ex.Message} The secret is in the Secret property of the webhook this error carries (and of the object written to the pipeline); store it now.",
                target,
                created,
                ex);
        }

        secret.Dispose();
        created.SecretFile = target;
        OperationLog.Current.Verbose($"Wrote the secret of webhook {created.Id} to the owner-only file '{target}'.");
        return created;
    }

    /// <summary>
    /// Creates a webhook that replaces <paramref name="oldWebhookId"/> (New-DfnsWebhook -Like): it is
    /// read first (unknown: <see cref="ErrorIds.DfnsWebhookNotFound"/>, nothing created), then a new
    /// one with its url and events is created. The old one is left as it is, so a receiver can accept
    /// both secrets until it is removed.
    /// </summary>
    public async Task<DfnsWebhook> CreateReplacementAsync(string oldWebhookId, string? description, string? status, string? secretFile, CancellationToken cancellationToken)
    {
        if (secretFile is not null)
        {
            ClientSecretFile.CheckTarget(secretFile, overwrite: false);
        }

        DfnsWebhook old = await GetAsync(oldWebhookId, cancellationToken).ConfigureAwait(false);
        return await CreateAsync(DfnsWebhookRequest.ReplacementFor(old, description, status), secretFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a webhook (DELETE /webhooks/{id}, user-action signed); <see cref="ErrorIds.DfnsWebhookNotFound"/> when there is none.</summary>
    public async Task DeleteAsync(string webhookId, CancellationToken cancellationToken)
    {
        string path = WebhookPath(webhookId);
        JsonElement answer = await SendAsync(HttpMethod.Delete, path, DfnsWebhookWire.EmptyBody, true, webhookId, cancellationToken).ConfigureAwait(false);
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(DfnsWebhookWire.Deleted, out JsonElement deleted) && deleted.ValueKind == JsonValueKind.False)
        {
            throw ApiErrors.InvalidResponse("DELETE", path, 200, "Dfns answered deleted: false", webhookId);
        }

        OperationLog.Current.Verbose($"Deleted Dfns webhook {webhookId}.");
    }

    /// <summary>Asks Dfns to deliver a test event (POST /webhooks/{id}/ping, user-action signed).</summary>
    public async Task<DfnsWebhookPing> PingAsync(string webhookId, CancellationToken cancellationToken)
    {
        string path = WebhookPath(webhookId) + DfnsWebhookWire.PingSuffix;
        JsonElement answer = await SendAsync(HttpMethod.Post, path, DfnsWebhookWire.EmptyBody, true, webhookId, cancellationToken).ConfigureAwait(false);
        string? status = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(DfnsWebhookWire.Status, out JsonElement s)
            ? (s.ValueKind == JsonValueKind.Number ? s.GetRawText() : DfnsWebhook.Text(answer, DfnsWebhookWire.Status))
            : null;
        return new DfnsWebhookPing(webhookId, status, DfnsWebhook.Text(answer, DfnsWebhookWire.Error));
    }

    /// <summary>The path of one webhook; a malformed id is <see cref="ErrorIds.DfnsWebhookIdInvalid"/> (no call is made).</summary>
    internal static string WebhookPath(string webhookId)
    {
        if (string.IsNullOrEmpty(webhookId) || webhookId.Length > MaxIdLength || !IsIdText(webhookId))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsWebhookIdInvalid,
                ErrorKind.InvalidArgument,
                $"'{webhookId}' is not a Dfns webhook id (such as wh-1vs8g-c1ub1-…): letters, digits, '-' and '_' only. Get-DfnsWebhook lists the ids.",
                webhookId);
        }

        return DfnsWebhookWire.WebhooksPath + "/" + webhookId;
    }

    /// <summary>The compact JSON body of POST /webhooks, after checking url, events and status.</summary>
    internal static string Validate(DfnsWebhookRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsWebhookUrlInvalid,
                ErrorKind.InvalidArgument,
                $"'{request.Url}' is not a webhook URL: give the absolute https URL of your receiver.",
                request.Url);
        }

        var events = new List<string>();
        foreach (string e in request.Events)
        {
            if (!string.IsNullOrWhiteSpace(e) && !events.Contains(e.Trim()))
            {
                events.Add(e.Trim());
            }
        }

        if (events.Count == 0)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsWebhookEventsMissing,
                ErrorKind.InvalidArgument,
                "A webhook needs at least one event kind to subscribe to (for example wallet.created, or * for all).",
                request.Url);
        }

        string? status = null;
        if (request.Status is not null)
        {
            status = string.Equals(request.Status, DfnsWebhookWire.StatusEnabled, StringComparison.OrdinalIgnoreCase) ? DfnsWebhookWire.StatusEnabled
                : string.Equals(request.Status, DfnsWebhookWire.StatusDisabled, StringComparison.OrdinalIgnoreCase) ? DfnsWebhookWire.StatusDisabled
                : throw new PsCredRotateException(
                    ErrorIds.DfnsWebhookStatusInvalid,
                    ErrorKind.InvalidArgument,
                    $"'{request.Status}' is not a webhook status: Enabled or Disabled.",
                    request.Status);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString(DfnsWebhookWire.Url, request.Url);
            writer.WriteStartArray(DfnsWebhookWire.Events);
            foreach (string e in events)
            {
                writer.WriteStringValue(e);
            }

            writer.WriteEndArray();
            if (status is not null)
            {
                writer.WriteString(DfnsWebhookWire.Status, status);
            }

            if (!string.IsNullOrEmpty(request.Description))
            {
                writer.WriteString(DfnsWebhookWire.Description, request.Description);
            }

            writer.WriteEndObject();
        }

        return new UTF8Encoding(false).GetString(buffer.ToArray());
    }

    private static bool IsIdText(string id)
    {
        foreach (char c in id)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? body, bool userAction, string? webhookId, CancellationToken cancellationToken)
    {
        try
        {
            return await _send(method, path, body, userAction, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 404 && webhookId is not null && string.Equals(ex.Path, StripQuery(path), StringComparison.Ordinal))
        {
            throw new ApiException(
                ErrorIds.DfnsWebhookNotFound,
                ErrorKind.ObjectNotFound,
                $"There is no Dfns webhook '{webhookId}' in this organisation (or it was already deleted). Get-DfnsWebhook lists the webhooks. Nothing was changed.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                webhookId,
                ex);
        }
    }

    private static string StripQuery(string path)
    {
        int query = path.IndexOf('?');
        return query < 0 ? path : path.Substring(0, query);
    }
}

/// <summary>
/// Dfns created the webhook but its secret could not be written to the file: the secret is not
/// lost, it is in <see cref="Webhook"/>'s <see cref="DfnsWebhook.Secret"/>.
/// </summary>
public sealed class DfnsWebhookSecretFileException : PsCredRotateException
{
    public DfnsWebhookSecretFileException(string message, string target, DfnsWebhook webhook, Exception inner)
        : base(ErrorIds.SecretFileWriteFailed, ErrorKind.WriteError, message, target, inner)
    {
        Webhook = webhook ?? throw new ArgumentNullException(nameof(webhook));
    }

    public DfnsWebhook Webhook { get; }
}
