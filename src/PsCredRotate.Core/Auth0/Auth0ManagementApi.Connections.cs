using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.ConnectionKeys;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Auth0;

public sealed partial class Auth0ManagementApi
{
    private const string ConnectionKeysExistMarker = "already been created";

    /// <summary>GET /connections/{id} (404 → <see cref="ErrorIds.ConnectionNotFound"/>).</summary>
    public async Task<Auth0ConnectionInfo> GetConnectionAsync(string connectionId, CancellationToken cancellationToken)
    {
        CheckId(connectionId, nameof(connectionId));
        ApiRequest request = ConnectionRequest(HttpMethod.Get, connectionId, string.Empty);
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, ConnectionKeyWire.ReadConnection);
    }

    /// <summary>GET /connections?strategy=… (every page of 100): the connections with one of <paramref name="strategies"/>.</summary>
    public async Task<IReadOnlyList<Auth0ConnectionInfo>> ListConnectionsAsync(IReadOnlyCollection<string> strategies, CancellationToken cancellationToken)
    {
        string filter = string.Join(",", strategies ?? Array.Empty<string>());
        var result = new List<Auth0ConnectionInfo>();
        for (int page = 0; ; page++)
        {
            string path = $"/api/v2/connections?page={page.ToString(System.Globalization.CultureInfo.InvariantCulture)}&per_page={PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}&include_totals=true"
                + (filter.Length == 0 ? string.Empty : "&strategy=" + Uri.EscapeDataString(filter));
            var request = new ApiRequest(HttpMethod.Get, path);
            ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
            (List<Auth0ConnectionInfo> connections, int? total) = Auth0Wire.Read(response, request, root => ReadPage(root, "connections", ConnectionKeyWire.ReadConnection));
            result.AddRange(connections);
            if (connections.Count == 0 || (total is int t ? result.Count >= t : connections.Count < PageSize))
            {
                return result;
            }
        }
    }

    /// <summary>GET /connections/{id}/keys: every key (current, next, previous).</summary>
    public async Task<IReadOnlyList<ConnectionKey>> ListConnectionKeysAsync(string connectionId, CancellationToken cancellationToken)
    {
        CheckId(connectionId, nameof(connectionId));
        ApiRequest request = ConnectionRequest(HttpMethod.Get, connectionId, "/keys");
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => ConnectionKeyWire.ReadKeys(root, connectionId));
    }

    /// <summary>
    /// POST /connections/{id}/keys (201, the keys created: current and next). Auth0's 409 when the
    /// connection already has keys is <see cref="ErrorIds.ConnectionKeysExist"/>.
    /// </summary>
    public async Task<IReadOnlyList<ConnectionKey>> ProvisionConnectionKeysAsync(string connectionId, string? signingAlgorithm, CancellationToken cancellationToken)
    {
        CheckId(connectionId, nameof(connectionId));
        ApiRequest request = ConnectionRequest(HttpMethod.Post, connectionId, "/keys");
        SetKeyBody(request, signingAlgorithm);
        ApiResponse response;
        try
        {
            response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 409
            || (ex.StatusCode == 400 && ex.ProviderMessage?.IndexOf(ConnectionKeysExistMarker, StringComparison.OrdinalIgnoreCase) >= 0))
        {
            throw new ApiException(
                ErrorIds.ConnectionKeysExist,
                ErrorKind.ResourceExists,
                $"The connection '{connectionId}' already has keys ({ex.ProviderMessage}). Read them with Get-ConnectionKey, or rotate them with Invoke-ConnectionKeyRotation.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                connectionId,
                ex);
        }

        return Auth0Wire.Read(response, request, root => ConnectionKeyWire.ReadKeys(root, connectionId));
    }

    /// <summary>POST /connections/{id}/keys/rotate (201, the new next key). Not retried: a second call would rotate again.</summary>
    public async Task<ConnectionKey> RotateConnectionKeysAsync(string connectionId, string? signingAlgorithm, CancellationToken cancellationToken)
    {
        CheckId(connectionId, nameof(connectionId));
        ApiRequest request = ConnectionRequest(HttpMethod.Post, connectionId, "/keys/rotate");
        SetKeyBody(request, signingAlgorithm);
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => ConnectionKeyWire.ReadKey(root, connectionId));
    }

    private static void SetKeyBody(ApiRequest request, string? signingAlgorithm)
    {
        // Auth0's own clients send no body when no algorithm is asked for; an empty object is accepted too.
        string json = (signingAlgorithm is null ? new JsonObject() : new JsonObject { [ConnectionKeyWire.SigningAlg] = signingAlgorithm }).ToJsonString();
        request.Content = () => new StringContent(json, Encoding.UTF8, "application/json");
    }

    private static ApiRequest ConnectionRequest(HttpMethod method, string connectionId, string suffix) =>
        new(method, "/api/v2/connections/" + Uri.EscapeDataString(connectionId) + suffix)
        {
            Target = connectionId,
            NotFound = _ => (ErrorIds.ConnectionNotFound, connectionId),
        };
}
