using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
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
    /// <summary>A token is renewed this long before it expires (or at 80 % of a shorter lifetime).</summary>
    public static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(5);

    internal const string TokenPath = "/oauth/token";
    internal const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly SecureString? _secret;
    private readonly RotationKey? _key;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly HttpPipeline _pipeline;
    private volatile TokenState? _token;
    private bool _disposed;

    private Auth0Connection(Uri baseUri, string domain, string clientId, SecureString? secret, RotationKey? key, Auth0ConnectionOptions options)
    {
        BaseUri = baseUri;
        Domain = domain;
        ClientId = clientId;
        _secret = secret;
        _key = key;
        AuthenticationMethod = key is null ? ClientAuthenticationMethod.ClientSecretPost : ClientAuthenticationMethod.PrivateKeyJwt;
        _pipeline = new HttpPipeline(baseUri, new HttpPipelineOptions
        {
            Handler = options.Handler,
            Timeout = options.Timeout,
            MaxRetries = options.MaxRetries,
            MaxRequestsPerSecond = options.MaxRequestsPerSecond,
            Clock = options.Clock,
        });
        Management = new Auth0ManagementApi(this);
        Authentication = new Auth0AuthenticationApi(this);
        CredentialProvider = new Auth0CredentialProvider(this);
    }

    /// <summary>Validates the options (domain, loopback-only http, exactly one of secret and key) without any call.</summary>
    public static Auth0Connection Create(Auth0ConnectionOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        Uri baseUri = ParseDomain(options.Domain);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionCredentialMissing,
                ErrorKind.InvalidArgument,
                $"No client id was given for the tenant '{baseUri.Authority}': pass -ClientId (or set {Auth0ConnectionOptions.ClientIdVariable}) with the machine-to-machine application that may call the Management API.",
                baseUri.Authority);
        }

        string clientId = options.ClientId!.Trim();
        bool hasSecret = options.ClientSecret is { Length: > 0 };
        bool hasKey = options.Key is not null;
        if (hasSecret && hasKey)
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionCredentialAmbiguous,
                ErrorKind.InvalidArgument,
                $"Both a client secret and a private key were given for client '{clientId}': give exactly one (a secret for client_secret_post, a key for private_key_jwt).",
                clientId);
        }

        if (!hasSecret && !hasKey)
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionCredentialMissing,
                ErrorKind.InvalidArgument,
                $"No credential was given for client '{clientId}': pass -ClientSecret, -Key or -KeyPath (or set {Auth0ConnectionOptions.ClientSecretVariable} or {Auth0ConnectionOptions.PrivateKeyPathVariable}).",
                clientId);
        }

        if (hasKey && !options.Key!.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                $"The key '{options.Key.Kid}' holds only the public half and cannot sign the client assertion for client '{clientId}'. Use the private key.",
                options.Key.Kid);
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The timeout must be positive.");
        }

        if (options.MaxRequestsPerSecond is double rate && (double.IsNaN(rate) || rate <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRequestsPerSecond must be a positive number.");
        }

        SecureString? secret = hasSecret ? options.ClientSecret!.Copy() : null;
        secret?.MakeReadOnly();
        return new Auth0Connection(baseUri, baseUri.Authority, clientId, secret, options.Key, options);
    }

    /// <summary>Gets the first Management API token, proving the credentials (<see cref="ErrorIds.AuthenticationFailed"/> if refused).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _token = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _renewal.Release();
        }

        OperationLog.Current.Verbose($"Connected to {Domain} as '{ClientId}' ({ManagementAudience}); token valid until {_token.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}.");
    }

    /// <summary>The tenant authority: host, with the port when not the default.</summary>
    public string Domain { get; }

    /// <summary>Where requests go (https, or http on loopback).</summary>
    public Uri BaseUri { get; }

    /// <summary>The management client's id.</summary>
    public string ClientId { get; }

    /// <summary>ClientSecretPost or PrivateKeyJwt.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; }

    /// <summary><c>https://{Domain}/</c>: the issuer, and the audience of client assertions.</summary>
    public string TenantAudience => "https://" + Domain + "/";

    /// <summary><c>https://{Domain}/api/v2/</c>.</summary>
    public string ManagementAudience => "https://" + Domain + "/api/v2/";

    /// <summary>Scopes granted in the current Management API token (empty before <see cref="ConnectAsync"/>).</summary>
    public IReadOnlyList<string> Scopes => _token?.Scopes ?? Array.Empty<string>();

    /// <summary>When the current Management API token expires.</summary>
    public DateTimeOffset? TokenExpiresAt => _token?.ExpiresAt;

    public Auth0ManagementApi Management { get; }

    public Auth0AuthenticationApi Authentication { get; }

    /// <summary>The rotation engine's view of this tenant.</summary>
    public IClientCredentialProvider CredentialProvider { get; }

    internal HttpPipeline Pipeline => _pipeline;

    internal DateTimeOffset Now => _pipeline.Clock();

    public override string ToString() => $"Auth0 tenant {Domain} as {ClientId}";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _token = null;
        _secret?.Dispose();
        _pipeline.Dispose();
    }

    /// <summary>
    /// Sends a Management API call with the current token (renewed first when due). A 401 answered
    /// to a cached token gets one more try with a new token (the tenant may have revoked it).
    /// </summary>
    internal async Task<ApiResponse> SendManagementAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        request.RateLimited = true;
        string? used = null;
        request.BearerToken = async ct =>
        {
            used = await GetTokenAsync(ct).ConfigureAwait(false);
            return used;
        };
        try
        {
            return await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 401 && used is not null && Forget(used))
        {
            OperationLog.Current.Verbose($"{request.Method.Method} {request.Path}: the token was refused; getting a new one and trying once more.");
            return await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The Management API token, from the cache unless due for renewal; one renewal at a time.</summary>
    internal async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        TokenState? current = _token;
        if (current is not null && Now < current.RenewAt)
        {
            return current.Token;
        }

        await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _token;
            if (current is not null && Now < current.RenewAt)
            {
                return current.Token;
            }

            try
            {
                TokenState renewed = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
                _token = renewed;
                OperationLog.Current.Verbose($"Renewed the Management API token for {Domain}; valid until {renewed.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}.");
                return renewed.Token;
            }
            catch (ApiException ex) when (ex.IsTransient && current is not null && Now < current.ExpiresAt)
            {
                // Renewal is early on purpose: the current token still works, so a transient failure can wait.
                OperationLog.Current.Warning($"Renewing the Management API token failed ({ex.ErrorId}); the current token is used until it expires at {current.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}.");
                return current.Token;
            }
        }
        finally
        {
            _renewal.Release();
        }
    }

    private bool Forget(string token)
    {
        TokenState? current = _token;
        if (current is not null && ReferenceEquals(current.Token, token))
        {
#pragma warning disable CS0420 // A volatile field passed by reference: Interlocked keeps the semantics.
            Interlocked.CompareExchange(ref _token, null, current);
#pragma warning restore CS0420
        }

        return true;
    }

    private async Task<TokenState> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Post, TokenPath)
        {
            Target = ClientId,
            Content = BuildTokenRequest,
            LoggableContent = () => $"grant_type=client_credentials&client_id={Uri.EscapeDataString(ClientId)}&audience={Uri.EscapeDataString(ManagementAudience)}&{(_key is null ? "client_secret" : "client_assertion")}={Redaction.Mask}",
        };
        DateTimeOffset requestedAt = Now;
        ApiResponse response;
        try
        {
            response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode is 400 or 401 or 403)
        {
            throw new ApiException(
                ErrorIds.AuthenticationFailed,
                ErrorKind.PermissionDenied,
                $"The tenant {Domain} refused the credentials of client '{ClientId}' for the Management API ({ex.ProviderErrorCode ?? ex.StatusCode?.ToString(CultureInfo.InvariantCulture)}: {ex.ProviderMessage ?? "no reason given"}). Check the client id, its {(_key is null ? "secret" : "attached key")}, and that it has a client grant for {ManagementAudience}.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                ClientId,
                ex);
        }

        return ParseToken(response, requestedAt);
    }

    private HttpContent BuildTokenRequest()
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", ClientId),
            new("audience", ManagementAudience),
        };
        if (_key is not null)
        {
            // A fresh assertion (new jti) for every attempt: an assertion is single-use.
            ClientAssertion assertion = ClientAssertionFactory.Create(_key, ClientId, TenantAudience, now: Now);
            fields.Add(new("client_assertion_type", JwtBearerAssertionType));
            fields.Add(new("client_assertion", assertion.RevealCompactSerialization()));
        }
        else
        {
            char[] chars = SecureStrings.ToChars(_secret!);
            try
            {
                fields.Add(new("client_secret", new string(chars)));
            }
            finally
            {
                SecureStrings.Clear(chars);
            }
        }

        return new FormUrlEncodedContent(fields);
    }

    private TokenState ParseToken(ApiResponse response, DateTimeOffset requestedAt)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(response.Body);
            JsonElement root = document.RootElement;
            string? token = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("access_token", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw ApiErrors.InvalidResponse("POST", TokenPath, response.StatusCode, "no access_token in the answer", ClientId);
            }

            long expiresIn = root.TryGetProperty("expires_in", out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long seconds) && seconds > 0 ? seconds : 86400;
            string scope = root.TryGetProperty("scope", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() ?? string.Empty : string.Empty;
            TimeSpan lifetime = TimeSpan.FromSeconds(expiresIn);
            TimeSpan early = lifetime.Ticks / 5 < RenewBeforeExpiry.Ticks ? TimeSpan.FromTicks(lifetime.Ticks / 5) : RenewBeforeExpiry;
            DateTimeOffset expiresAt = requestedAt + lifetime;
            return new TokenState(token!, expiresAt, expiresAt - early, scope.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
        }
        catch (JsonException ex)
        {
            throw ApiErrors.InvalidResponse("POST", TokenPath, response.StatusCode, "the answer is not JSON", ClientId, ex);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(Auth0Connection), $"The connection to {Domain} was closed (Disconnect-Auth0Tenant). Connect again.");
        }
    }

    private static Uri ParseDomain(string? domain)
    {
        string text = domain?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            throw DomainInvalid(text, "no domain was given");
        }

        string candidate = text.IndexOf("://", StringComparison.Ordinal) >= 0 ? text : "https://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Host.Length == 0
            || uri.UserInfo.Length != 0
            || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length != 0)
            || uri.Query.Length != 0
            || uri.Fragment.Length != 0
            || Uri.CheckHostName(uri.IdnHost) == UriHostNameType.Unknown)
        {
            throw DomainInvalid(text, "it must be a host name such as 'tenant.eu.auth0.com' (a custom domain works too), or a URL with nothing after the host");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new PsCredRotateException(
                ErrorIds.InsecureTransport,
                ErrorKind.SecurityError,
                $"Plain http is refused for '{uri.Authority}': credentials and tokens would travel unencrypted. Use https (plain http is accepted only for a loopback emulator such as http://127.0.0.1:5080).",
                text);
        }

        return new Uri(uri.Scheme + "://" + uri.Authority + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    private static PsCredRotateException DomainInvalid(string domain, string why) =>
        new(ErrorIds.DomainInvalid, ErrorKind.InvalidArgument, $"The domain '{domain}' is not valid: {why}.", domain);

    private sealed class TokenState
    {
        public TokenState(string token, DateTimeOffset expiresAt, DateTimeOffset renewAt, IReadOnlyList<string> scopes)
        {
            Token = token;
            ExpiresAt = expiresAt;
            RenewAt = renewAt;
            Scopes = scopes;
        }

        public string Token { get; }

        public DateTimeOffset ExpiresAt { get; }

        public DateTimeOffset RenewAt { get; }

        public IReadOnlyList<string> Scopes { get; }
    }
}
