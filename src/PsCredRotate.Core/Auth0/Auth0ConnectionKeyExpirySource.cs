using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.ConnectionKeys;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Inventory;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// Every connection key with a certificate NotAfter: the tenant's oidc and okta connections (the
/// strategies with private_key_jwt keys), then each one's keys. A connection that has no keys, or
/// was deleted between the two reads, adds nothing.
/// </summary>
public sealed class Auth0ConnectionKeyExpirySource : IExpirySource
{
    private static readonly string[] KeyedStrategies = { "oidc", "okta" };

    private readonly Auth0Connection _connection;

    public Auth0ConnectionKeyExpirySource(Auth0Connection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public ExpiringCredentialSource Source => ExpiringCredentialSource.ConnectionKey;

    public async Task<IReadOnlyList<ExpiringCredential>> ReadAsync(DateTimeOffset now, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<Auth0ConnectionInfo> connections = await _connection.Management.ListConnectionsAsync(KeyedStrategies, cancellationToken).ConfigureAwait(false);
        var found = new List<ExpiringCredential>();
        int read = 0;
        foreach (Auth0ConnectionInfo info in connections)
        {
            IReadOnlyList<ConnectionKey> keys;
            try
            {
                keys = await _connection.Management.ListConnectionKeysAsync(info.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.ErrorId is ErrorIds.ConnectionNotFound or ErrorIds.ApiNotFound)
            {
                keys = Array.Empty<ConnectionKey>();
            }

            read++;
            progress?.Report($"keys of {read} of {connections.Count} connections read");
            found.AddRange(keys
                .Where(k => k.NotAfter is not null)
                .Select(k => new ExpiringCredential(Source, _connection.Domain, k.Kid, k.NotAfter!.Value, now)
                {
                    ConnectionId = info.Id,
                    ConnectionName = info.Name,
                    Name = k.State.ToString(),
                }));
        }

        return found;
    }
}
