using System.Collections.Concurrent;
using System.Text.Json;

namespace PsCredRotate.Integration.Tests.Diagnostics;

/// <summary>
/// The handler under Core's HTTP pipeline in the redaction tests: it passes every call on and
/// keeps each secret value it sees on the wire (bearer tokens and user-action tokens in headers,
/// client secrets and assertions in forms, tokens and secrets in JSON bodies, both ways), parsed
/// here independently of Core's redaction, so a test can assert that none of them was logged.
/// </summary>
internal sealed class SecretHarvester : DelegatingHandler
{
    /// <summary>JSON members and form fields whose values are secrets (in any provider's wire format).</summary>
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "id_token", "refresh_token", "client_secret", "client_assertion",
        "registration_access_token", "token", "accessToken", "userAction", "secret",
    };

    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public SecretHarvester()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Each secret seen, with where it was seen.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string where = request.Method.Method + " " + request.RequestUri?.AbsolutePath;
        if (request.Headers.Authorization is { Parameter: { } credential })
        {
            Keep(credential, where + " Authorization");
        }

        if (request.Headers.TryGetValues("x-dfns-useraction", out IEnumerable<string>? actions))
        {
            foreach (string action in actions)
            {
                Keep(action, where + " x-dfns-useraction");
            }
        }

        if (request.Content is not null)
        {
            await ScanAsync(request.Content, where + " request", cancellationToken).ConfigureAwait(false);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is not null)
        {
            await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            await ScanAsync(response.Content, where + " response", cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private async Task ScanAsync(HttpContent content, string where, CancellationToken cancellationToken)
    {
        string text = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? mediaType = content.Headers.ContentType?.MediaType;
        if (mediaType?.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (string pair in text.Split('&'))
            {
                int equals = pair.IndexOf('=');
                string name = equals > 0 ? Uri.UnescapeDataString(pair[..equals]) : string.Empty;
                if (SecretNames.Contains(name))
                {
                    Keep(Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')), where + " " + name);
                }
            }
        }
        else if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                Walk(document.RootElement, where);
            }
            catch (JsonException)
            {
                // Not JSON after all: nothing to harvest.
            }
        }
    }

    private void Walk(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String && SecretNames.Contains(property.Name))
                {
                    Keep(property.Value.GetString()!, where + " " + property.Name);
                }
                else
                {
                    Walk(property.Value, where);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Walk(item, where);
            }
        }
    }

    private void Keep(string value, string where)
    {
        // Short values (an empty secret, a placeholder) would match by chance; real ones are long.
        if (value.Length >= 12)
        {
            _values.TryAdd(value, where);
        }
    }
}
