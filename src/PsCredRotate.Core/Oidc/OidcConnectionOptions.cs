using System;
using System.Net.Http;
using System.Security;

namespace PsCredRotate.Core.Oidc;

/// <summary>What <see cref="OidcConnection.Create"/> needs: the client configuration endpoint and its token.</summary>
public sealed class OidcConnectionOptions
{
    /// <summary>The client's registration_client_uri (RFC 7592 §3), absolute http(s).</summary>
    public Uri? RegistrationClientUri { get; set; }

    /// <summary>The client's registration_access_token (a bearer token for that URI).</summary>
    public SecureString? RegistrationAccessToken { get; set; }

    /// <summary>
    /// The issuer whose discovery document names the token endpoint (for verification). Default:
    /// the registration URI's origin (scheme, host and port), which is oidc-provider's and most
    /// providers' issuer.
    /// </summary>
    public Uri? Issuer { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 4;

    /// <summary>Test hook: the HTTP handler (a fake in unit tests).</summary>
    internal HttpMessageHandler? Handler { get; set; }

    /// <summary>Test hook: the clock for assertion iat/exp.</summary>
    internal Func<DateTimeOffset>? Clock { get; set; }
}
