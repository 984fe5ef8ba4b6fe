using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.SigningKeys;

/// <summary>The calls the signing-key cmdlets make; one method is one HTTP call. Auth0's Management API implements it.</summary>
public interface ISigningKeyApi
{
    /// <summary>The tenant domain, for output and messages.</summary>
    string Tenant { get; }

    /// <summary>The clock every decision uses (the connection's).</summary>
    DateTimeOffset Now { get; }

    /// <summary>GET /keys/signing.</summary>
    Task<IReadOnlyList<SigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken);

    /// <summary>GET /keys/signing/{kid}; 404 is <see cref="ErrorIds.SigningKeyNotFound"/>.</summary>
    Task<SigningKey> GetSigningKeyAsync(string kid, CancellationToken cancellationToken);

    /// <summary>POST /keys/signing/rotate: next becomes current; returns the kid of the new next key.</summary>
    Task<string> RotateSigningKeyAsync(CancellationToken cancellationToken);

    /// <summary>PUT /keys/signing/{kid}/revoke; returns the revoked kid.</summary>
    Task<string> RevokeSigningKeyAsync(string kid, CancellationToken cancellationToken);

    /// <summary>The kids a JWKS document serves: the tenant's /.well-known/jwks.json when <paramref name="jwksUri"/> is null. No credentials are sent.</summary>
    Task<IReadOnlyList<string>> GetJwksKidsAsync(Uri? jwksUri, CancellationToken cancellationToken);
}
