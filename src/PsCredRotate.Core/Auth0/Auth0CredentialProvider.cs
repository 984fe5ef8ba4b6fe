using System;
using System.Collections.Generic;
using System.Linq;
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
public sealed class Auth0CredentialProvider : IClientCredentialProvider, IClientCredentialPermissionCheck
{
    /// <summary>The Management API scope each kind of write needs (a token request needs none).</summary>
    private static readonly IReadOnlyDictionary<RotationStepKind, string> ScopeFor = new Dictionary<RotationStepKind, string>
    {
        [RotationStepKind.Create] = "create:client_credentials",
        [RotationStepKind.SetAttached] = "update:clients",
        [RotationStepKind.RestoreAuthenticationMethod] = "update:clients",
        [RotationStepKind.Prune] = "delete:client_credentials",
        [RotationStepKind.Delete] = "delete:client_credentials",
    };

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

    /// <summary>
    /// Refuses, before any call, a plan whose writes need a scope the Management API token lacks
    /// (<see cref="ErrorIds.InsufficientScope"/> naming every missing scope). Without a token yet
    /// (no scopes known) it leaves the check to the server.
    /// </summary>
    public void EnsurePermitted(IReadOnlyCollection<RotationStepKind> steps)
    {
        IReadOnlyList<string> granted = _connection.Scopes;
        if (steps is null || granted.Count == 0)
        {
            return;
        }

        string[] missing = steps
            .Where(ScopeFor.ContainsKey)
            .Select(kind => ScopeFor[kind])
            .Distinct(StringComparer.Ordinal)
            .Where(scope => !granted.Contains(scope, StringComparer.Ordinal))
            .OrderBy(scope => scope, StringComparer.Ordinal)
            .ToArray();
        if (missing.Length > 0)
        {
            throw new PsCredRotateException(
                ErrorIds.InsufficientScope,
                ErrorKind.PermissionDenied,
                $"The management client '{_connection.ClientId}' lacks the scope{(missing.Length == 1 ? string.Empty : "s")} {string.Join(", ", missing)} this change needs; nothing was changed. Grant {(missing.Length == 1 ? "it" : "them")} to the client for the Auth0 Management API, then connect again.",
                string.Join(" ", missing));
        }
    }

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
