using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Oidc;

/// <summary>
/// The client configuration endpoint (RFC 7592): GET reads the client's metadata, PUT replaces it
/// (the full metadata, with only jwks changed). Both carry the registration access token as a
/// bearer token; a refused token is <see cref="ErrorIds.OidcRegistrationTokenInvalid"/>. The token an
/// answer carries is handed to the connection (kept when the server rotated it) and never logged.
/// </summary>
internal sealed class OidcRegistrationClient
{
    private readonly OidcConnection _connection;

    public OidcRegistrationClient(OidcConnection connection)
    {
        _connection = connection;
    }

    /// <summary>GET registration_client_uri.</summary>
    public Task<OidcClientRecord> ReadAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, null, cancellationToken);

    /// <summary>PUT registration_client_uri with <paramref name="read"/>'s metadata and <paramref name="keys"/> as jwks; returns the server's answer.</summary>
    public Task<OidcClientRecord> UpdateAsync(OidcClientRecord read, IEnumerable<JsonObject> keys, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, read.UpdateBody(keys), cancellationToken);

    private async Task<OidcClientRecord> SendAsync(HttpMethod method, string? body, CancellationToken cancellationToken)
    {
        Uri uri = _connection.RegistrationClientUri;
        var request = new ApiRequest(method, uri.PathAndQuery)
        {
            Target = uri,
            BearerToken = _connection.RevealTokenAsync,
        };
        if (body is not null)
        {
            request.Content = () => new StringContent(body, Encoding.UTF8, "application/json");
            request.LoggableContent = () => Redaction.Json(body);
        }

        ApiResponse response;
        try
        {
            response = await _connection.PipelineFor(uri).SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 401 || (ex.StatusCode == 403 && ex.ProviderErrorCode == "invalid_token"))
        {
            throw new PsCredRotateException(
                ErrorIds.OidcRegistrationTokenInvalid,
                ErrorKind.PermissionDenied,
                $"{method.Method} {uri}: the registration access token was refused ({ex.ProviderErrorCode ?? ex.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(ex.ProviderMessage is null ? string.Empty : ": " + ex.ProviderMessage)}). Nothing was changed. Connect again with the client's current registration_access_token (a server that rotates it hands out a new one on every update).",
                uri,
                ex);
        }

        OidcClientRecord record;
        string? token;
        try
        {
            record = OidcClientRecord.Parse(response.Body, out token);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw ApiErrors.InvalidResponse(method.Method, uri.AbsolutePath, response.StatusCode, ex.Message, uri, ex);
        }

        _connection.TakeToken(token);
        return record;
    }
}
