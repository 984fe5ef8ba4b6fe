using System;
using System.Net.Http;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// How to reach and authenticate to a tenant's Management API: a machine-to-machine client with a
/// secret, or with a private key (private_key_jwt). Runbooks can leave everything to environment
/// variables (<see cref="FromEnvironment"/>).
/// </summary>
public sealed class Auth0ConnectionOptions
{
    /// <summary>Environment variable with the tenant domain (the name the Auth0 CLI and Terraform provider use).</summary>
    public const string DomainVariable = "AUTH0_DOMAIN";

    public const string ClientIdVariable = "AUTH0_CLIENT_ID";

    public const string ClientSecretVariable = "AUTH0_CLIENT_SECRET";

    /// <summary>Path of a PEM/JWK private key file for private_key_jwt.</summary>
    public const string PrivateKeyPathVariable = "AUTH0_PRIVATE_KEY_PATH";

    /// <summary>
    /// The tenant: <c>tenant.eu.auth0.com</c>, <c>login.example.com</c>, or a URL. Plain
    /// <c>http://</c> is accepted only for loopback hosts (the emulator): <c>http://127.0.0.1:5080</c>.
    /// </summary>
    public string? Domain { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The management client's secret (client_secret_post). Exclusive with <see cref="Key"/>.</summary>
    public SecureString? ClientSecret { get; set; }

    /// <summary>The management client's private key (private_key_jwt). Exclusive with <see cref="ClientSecret"/>.</summary>
    public RotationKey? Key { get; set; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one request for 429, 5xx and network failures (idempotent requests; 429 for all).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>A fixed ceiling on Management API requests per second; null: follow the tenant's x-ratelimit headers.</summary>
    public double? MaxRequestsPerSecond { get; set; }

    /// <summary>Test hook: the handler under the HTTP pipeline.</summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Test hook: the clock for token expiry and rate-limit waits.</summary>
    public Func<DateTimeOffset>? Clock { get; set; }

    /// <summary>
    /// Options filled from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and
    /// AUTH0_PRIVATE_KEY_PATH (read with <paramref name="getVariable"/>, default the process
    /// environment). Values already set on <paramref name="explicitOptions"/> win.
    /// </summary>
    public static Auth0ConnectionOptions FromEnvironment(Auth0ConnectionOptions? explicitOptions = null, Func<string, string?>? getVariable = null)
    {
        Func<string, string?> read = getVariable ?? Environment.GetEnvironmentVariable;
        Auth0ConnectionOptions given = explicitOptions ?? new Auth0ConnectionOptions();
        var options = new Auth0ConnectionOptions
        {
            Domain = NonEmpty(given.Domain) ?? NonEmpty(read(DomainVariable)),
            ClientId = NonEmpty(given.ClientId) ?? NonEmpty(read(ClientIdVariable)),
            ClientSecret = given.ClientSecret,
            Key = given.Key,
            Timeout = given.Timeout,
            MaxRetries = given.MaxRetries,
            MaxRequestsPerSecond = given.MaxRequestsPerSecond,
            Handler = given.Handler,
            Clock = given.Clock,
        };

        // The credential is one unit: an explicit secret or key means the environment's are not used
        // (taking the other from the environment would only make the options ambiguous).
        if (options.ClientSecret is null && options.Key is null)
        {
            string? secret = NonEmpty(read(ClientSecretVariable));
            string? keyPath = NonEmpty(read(PrivateKeyPathVariable));
            if (secret is not null)
            {
                options.ClientSecret = SecureStrings.FromString(secret);
            }

            if (keyPath is not null)
            {
                options.Key = KeyImporter.FromFile(keyPath);
            }
        }

        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
