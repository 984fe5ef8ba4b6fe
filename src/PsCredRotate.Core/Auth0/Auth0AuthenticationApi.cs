using System;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The tenant's token endpoint. Public methods report facts only; the access token never leaves
/// (the Management API token is used inside the connection and nowhere else).
/// </summary>
public sealed class Auth0AuthenticationApi
{
    private Auth0AuthenticationApi()
    {
    }

    /// <summary>
    /// POST /oauth/token with grant_type=client_credentials and an assertion signed by
    /// <paramref name="key"/> (aud = the tenant's https://{domain}/). A refusal (401/403) is a
    /// result with Success false and the OAuth error; unreachable is an <see cref="Http.ApiException"/>.
    /// </summary>
    public Task<ClientCredentialTestResult> TestClientAssertionAsync(string clientId, RotationKey key, string audience, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
