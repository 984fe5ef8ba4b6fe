using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Inventory;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The tenant's signing keys by certificate NotAfter (one GET /keys/signing). Revoked keys are left
/// out: nothing validates with them any more, so their expiry needs no action.
/// </summary>
public sealed class Auth0SigningKeyExpirySource : IExpirySource
{
    private readonly Auth0Connection _connection;

    public Auth0SigningKeyExpirySource(Auth0Connection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public ExpiringCredentialSource Source => ExpiringCredentialSource.SigningKey;

    public async Task<IReadOnlyList<ExpiringCredential>> ReadAsync(DateTimeOffset now, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<SigningKey> keys = await _connection.Management.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report($"{keys.Count} signing keys read");
        return keys
            .Where(k => k.State != SigningKeyState.Revoked && k.NotAfter is not null)
            .Select(k => new ExpiringCredential(Source, _connection.Domain, k.Kid, k.NotAfter!.Value, now) { Name = k.State.ToString() })
            .ToList();
    }
}
