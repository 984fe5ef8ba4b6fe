using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// A connection to one Auth0 tenant: the HTTP pipeline (timeouts, retries, rate limit, redacted
/// logging), the Management API token (cached, renewed before expiry), and the APIs built on them.
/// Thread-safe: one connection serves concurrent rotations and shares one rate-limit budget.
/// Its ToString and properties never show the secret, key or token.
/// </summary>
public sealed class Auth0Connection : IClientCredentialConnection, IDisposable
{
    private Auth0Connection()
    {
        throw new NotImplementedException();
    }

    /// <summary>Validates the options (domain, loopback-only http, exactly one of secret and key) without any call.</summary>
    public static Auth0Connection Create(Auth0ConnectionOptions options) => throw new NotImplementedException();

    /// <summary>Gets the first Management API token, proving the credentials (<see cref="ErrorIds.AuthenticationFailed"/> if refused).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The tenant authority: host, with the port when not the default.</summary>
    public string Domain => throw new NotImplementedException();

    /// <summary>Where requests go (https, or http on loopback).</summary>
    public Uri BaseUri => throw new NotImplementedException();

    /// <summary>The management client's id.</summary>
    public string ClientId => throw new NotImplementedException();

    /// <summary>ClientSecretPost or PrivateKeyJwt.</summary>
    public ClientAuthenticationMethod AuthenticationMethod => throw new NotImplementedException();

    /// <summary><c>https://{Domain}/</c>: the issuer, and the audience of client assertions.</summary>
    public string TenantAudience => "https://" + Domain + "/";

    /// <summary><c>https://{Domain}/api/v2/</c>.</summary>
    public string ManagementAudience => "https://" + Domain + "/api/v2/";

    /// <summary>Scopes granted in the current Management API token (empty before <see cref="ConnectAsync"/>).</summary>
    public IReadOnlyList<string> Scopes => throw new NotImplementedException();

    /// <summary>When the current Management API token expires.</summary>
    public DateTimeOffset? TokenExpiresAt => throw new NotImplementedException();

    public Auth0ManagementApi Management => throw new NotImplementedException();

    public Auth0AuthenticationApi Authentication => throw new NotImplementedException();

    /// <summary>The rotation engine's view of this tenant.</summary>
    public IClientCredentialProvider CredentialProvider => throw new NotImplementedException();

    public override string ToString() => $"Auth0 tenant {Domain} as {ClientId}";

    public void Dispose() => throw new NotImplementedException();
}
