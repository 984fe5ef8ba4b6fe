using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The rotation engine's view of an Auth0 tenant. Each method is the Management API calls its
/// contract names and nothing more: ReadAsync = GET client + GET credentials; AddAsync = POST;
/// SetAttachedAsync and RestoreAuthenticationMethodAsync = one PATCH of the client;
/// SetExpiryAsync = one PATCH of the credential; DeleteAsync = DELETE; TestAsync = a token request
/// (plus GET client-grants when no audience is given).
/// </summary>
public sealed class Auth0CredentialProvider : IClientCredentialProvider
{
    private readonly Auth0Connection _connection;

    internal Auth0CredentialProvider(Auth0Connection connection)
    {
        _connection = connection;
    }

    public string Name => Auth0Wire.ProviderName;

    public CredentialPolicy Policy => CredentialPolicy.Auth0;

    public async Task<ClientCredentialState> ReadAsync(string clientId, CancellationToken cancellationToken)
    {
        Auth0Client client = await _connection.Management.GetClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ClientCredential> credentials = await _connection.Management.ListCredentialsAsync(clientId, client.AttachedCredentialIds, cancellationToken).ConfigureAwait(false);
        return new ClientCredentialState(client.ClientId, client.Name, client.AuthenticationMethod, client.AttachedCredentialIds, credentials);
    }

    public Task<ClientCredential> AddAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken) =>
        _connection.Management.CreateCredentialAsync(clientId, credential, cancellationToken);

    public async Task<IReadOnlyList<string>> SetAttachedAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken)
    {
        Auth0Client client = await _connection.Management.SetPrivateKeyJwtCredentialsAsync(clientId, credentialIds, cancellationToken).ConfigureAwait(false);
        return client.AttachedCredentialIds;
    }

    public Task RestoreAuthenticationMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken) =>
        _connection.Management.SetTokenEndpointAuthMethodAsync(clientId, method, cancellationToken);

    public Task<ClientCredential> SetExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        _connection.Management.UpdateCredentialExpiryAsync(clientId, credentialId, expiresAt, cancellationToken);

    public Task DeleteAsync(string clientId, string credentialId, CancellationToken cancellationToken) =>
        _connection.Management.DeleteCredentialAsync(clientId, credentialId, cancellationToken);

    public async Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(audience))
        {
            IReadOnlyList<string> audiences = await _connection.Management.ListGrantAudiencesAsync(clientId, cancellationToken).ConfigureAwait(false);
            if (audiences.Count == 0)
            {
                throw new PsCredRotateException(
                    ErrorIds.VerificationAudienceRequired,
                    ErrorKind.InvalidOperation,
                    $"Client '{clientId}' has no client grant, so there is no API to request a test token for. Give -Audience (an API the client may call), or create a client grant.",
                    clientId);
            }

            audience = audiences[0];
        }

        return await _connection.Authentication.TestClientAssertionAsync(clientId, key, audience!, cancellationToken).ConfigureAwait(false);
    }
}
