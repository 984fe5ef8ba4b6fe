using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ConnectionKeys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Completion;

/// <summary>
/// The values tab completion offers, read from a connection (through <see cref="CompletionCache"/>):
/// an Auth0 tenant's client ids (described by the client's name), its oidc/okta connection ids
/// (the ones with connection keys), or an OpenID client registration's one client id.
/// </summary>
public static class CompletionSources
{
    /// <summary>Cache kind of <see cref="ClientIds"/>.</summary>
    public const string ClientsKind = "clients";

    /// <summary>Cache kind of <see cref="ConnectionIds"/>.</summary>
    public const string ConnectionsKind = "connections";

    /// <summary>The client ids of <paramref name="connection"/> (Auth0: GET /clients, every page; RFC 7592: the registration's own client, no call).</summary>
    public static IReadOnlyList<CompletionCandidate> ClientIds(IClientCredentialConnection? connection, CompletionCache cache)
    {
        if (cache is null)
        {
            throw new ArgumentNullException(nameof(cache));
        }

        switch (connection)
        {
            case Auth0Connection tenant:
                return cache.Get(tenant, ClientsKind, ct => ReadClientsAsync(tenant, ct));
            case OidcConnection registration when !string.IsNullOrEmpty(registration.ClientId):
                return new[] { new CompletionCandidate(registration.ClientId, registration.ClientName) };
            default:
                return Array.Empty<CompletionCandidate>();
        }
    }

    /// <summary>The ids of the tenant's connections that have connection keys (oidc and okta), described by name and strategy.</summary>
    public static IReadOnlyList<CompletionCandidate> ConnectionIds(IClientCredentialConnection? connection, CompletionCache cache)
    {
        if (cache is null)
        {
            throw new ArgumentNullException(nameof(cache));
        }

        return connection is Auth0Connection tenant
            ? cache.Get(tenant, ConnectionsKind, ct => ReadConnectionsAsync(tenant, ct))
            : Array.Empty<CompletionCandidate>();
    }

    private static async Task<IReadOnlyList<CompletionCandidate>> ReadClientsAsync(Auth0Connection tenant, CancellationToken cancellationToken)
    {
        IReadOnlyList<Auth0Client> clients = await tenant.Management.ListClientsAsync(null, null, cancellationToken).ConfigureAwait(false);
        return clients.Select(c => new CompletionCandidate(c.ClientId, c.Name)).ToList();
    }

    private static async Task<IReadOnlyList<CompletionCandidate>> ReadConnectionsAsync(Auth0Connection tenant, CancellationToken cancellationToken)
    {
        IReadOnlyList<Auth0ConnectionInfo> connections = await tenant.Management.ListConnectionsAsync(ConnectionKeyWire.KeyStrategies, cancellationToken).ConfigureAwait(false);
        return connections
            .Where(c => ConnectionKeyWire.KeyStrategies.Contains(c.Strategy, StringComparer.Ordinal))
            .Select(c => new CompletionCandidate(c.Id, string.IsNullOrEmpty(c.Name) ? c.Strategy : $"{c.Name} ({c.Strategy})"))
            .ToList();
    }
}
