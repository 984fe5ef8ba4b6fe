using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The Management API v2 calls PsCredRotate makes, typed. Failures are
/// <see cref="Http.ApiException"/>s: 404 on a client → <see cref="ErrorIds.ClientNotFound"/>, 403 →
/// <see cref="ErrorIds.InsufficientScope"/> naming the scope, and so on.
/// </summary>
public sealed class Auth0ManagementApi
{
    private Auth0ManagementApi()
    {
    }

    /// <summary>All clients (every page, per_page 100), filtered; <paramref name="progress"/> gets the count read so far.</summary>
    public Task<IReadOnlyList<Auth0Client>> ListClientsAsync(Auth0ClientQuery? query, IProgress<int>? progress, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<Auth0Client> GetClientAsync(string clientId, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>GET /clients/{id}/credentials; <see cref="ClientCredential.Attached"/> is set from <paramref name="attachedIds"/>.</summary>
    public Task<IReadOnlyList<ClientCredential>> ListCredentialsAsync(string clientId, IReadOnlyCollection<string> attachedIds, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>POST /clients/{id}/credentials (201).</summary>
    public Task<ClientCredential> CreateCredentialAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>PATCH /clients/{id}/credentials/{credential_id} with expires_at.</summary>
    public Task<ClientCredential> UpdateCredentialExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>DELETE /clients/{id}/credentials/{credential_id} (204; a 404 counts as done).</summary>
    public Task DeleteCredentialAsync(string clientId, string credentialId, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>PATCH /clients/{id} {client_authentication_methods:{private_key_jwt:{credentials:[{id}…]}}, token_endpoint_auth_method:null}; returns the client as answered.</summary>
    public Task<Auth0Client> SetPrivateKeyJwtCredentialsAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>PATCH /clients/{id} {client_authentication_methods:null, token_endpoint_auth_method:method} (back to a secret).</summary>
    public Task<Auth0Client> SetTokenEndpointAuthMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>The audiences (API identifiers) the client has client grants for (GET /client-grants?client_id=).</summary>
    public Task<IReadOnlyList<string>> ListGrantAudiencesAsync(string clientId, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
