using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Inventory;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// Every client credential with an expires_at in the tenant: all clients (every page), then each
/// client's credentials, <see cref="Concurrency"/> at a time on the connection's one rate-limit
/// budget. A client deleted between the two reads is skipped.
/// </summary>
public sealed class Auth0ClientCredentialExpirySource : IExpirySource
{
    private readonly Auth0Connection _connection;

    public Auth0ClientCredentialExpirySource(Auth0Connection connection, int concurrency = 4)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Concurrency = concurrency;
    }

    public ExpiringCredentialSource Source => ExpiringCredentialSource.ClientCredential;

    /// <summary>Credential lists read at once (the connection's rate-limit gate paces them).</summary>
    public int Concurrency { get; }

    public async Task<IReadOnlyList<ExpiringCredential>> ReadAsync(DateTimeOffset now, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var clientProgress = progress is null ? null : new Progress<int>(n => progress.Report($"{n} clients read"));
        IReadOnlyList<Auth0Client> clients = await _connection.Management.ListClientsAsync(null, clientProgress, cancellationToken).ConfigureAwait(false);
        var found = new List<ExpiringCredential>();
        var failures = new List<Exception>();
        int read = 0;
        await BoundedParallel.RunAsync(
            clients,
            Concurrency,
            (client, ct) => _connection.Management.ListCredentialsAsync(client.ClientId, client.AttachedCredentialIds, ct),
            (client, credentials) =>
            {
                read++;
                progress?.Report($"credentials of {read} of {clients.Count} clients read");
                found.AddRange(credentials
                    .Where(c => c.ExpiresAt is not null && c.Kid is not null)
                    .Select(c => new ExpiringCredential(Source, _connection.Domain, c.Kid!, c.ExpiresAt!.Value, now)
                    {
                        ClientId = client.ClientId,
                        ClientName = client.Name,
                        Name = c.Name,
                        Attached = c.Attached,
                    }));
            },
            (client, error) =>
            {
                read++;
                if (!(error is ApiException { ErrorId: ErrorIds.ClientNotFound }))
                {
                    failures.Add(error);
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            // An inventory with holes would say "nothing expires" where it did not look.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }

        return found;
    }
}
