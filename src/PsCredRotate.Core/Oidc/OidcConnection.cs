using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Oidc;

/// <summary>
/// A connection to one client's RFC 7592 client configuration endpoint (Connect-OidcClientRegistration):
/// the registration_client_uri and its registration access token, and the provider's token endpoint
/// (from discovery) for verification. The generic client credential cmdlets rotate the keys of that
/// client's <c>jwks</c> through it. The token is held as a read-only SecureString copy, replaced when
/// the server rotates it on an update (oidc-provider's rotateRegistrationAccessToken); it never
/// appears in output, messages or logs.
/// </summary>
public sealed class OidcConnection : IClientCredentialConnection, IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HttpPipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly HttpPipelineOptions _pipelineOptions;
    private SecureString _token;
    private bool _disposed;

    private OidcConnection(Uri registrationClientUri, SecureString token, Uri issuer, OidcConnectionOptions options)
    {
        RegistrationClientUri = registrationClientUri;
        Issuer = issuer;
        _token = token;
        _pipelineOptions = new HttpPipelineOptions
        {
            Handler = options.Handler,
            Timeout = options.Timeout,
            MaxRetries = options.MaxRetries,
            Clock = options.Clock,
        };
        Registration = new OidcRegistrationClient(this);
        CredentialProvider = new OidcCredentialProvider(this);
    }

    /// <summary>Checks the options (no call) and builds the connection; <see cref="ConnectAsync"/> reads the client and discovers the token endpoint.</summary>
    public static OidcConnection Create(OidcConnectionOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        Uri uri = options.RegistrationClientUri ?? throw new PsCredRotateException(
            ErrorIds.OidcRegistrationClientUriInvalid,
            ErrorKind.InvalidArgument,
            "No registration client URI was given: pass -RegistrationClientUri with the client's registration_client_uri (RFC 7592).");
        CheckHttpUri(uri, ErrorIds.OidcRegistrationClientUriInvalid, "registration client URI");
        if (options.RegistrationAccessToken is not { Length: > 0 } given)
        {
            throw new PsCredRotateException(
                ErrorIds.OidcRegistrationTokenInvalid,
                ErrorKind.InvalidArgument,
                $"No registration access token was given for '{uri}': pass -RegistrationAccessToken with the client's registration_access_token.",
                uri);
        }

        Uri issuer = options.Issuer ?? new Uri(uri.GetLeftPart(UriPartial.Authority));
        CheckHttpUri(issuer, ErrorIds.OidcDiscoveryFailed, "issuer");
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The timeout must be positive.");
        }

        SecureString token = given.Copy();
        token.MakeReadOnly();
        return new OidcConnection(uri, token, issuer, options);
    }

    /// <summary>The client configuration endpoint.</summary>
    public Uri RegistrationClientUri { get; }

    /// <summary>The issuer identifier (from discovery once connected; the given or derived one before).</summary>
    public Uri Issuer { get; private set; }

    /// <summary>The issuer exactly as discovery spelled it: the audience of the client assertions.</summary>
    internal string? IssuerIdentifier { get; private set; }

    /// <summary>The token endpoint verification requests go to (from discovery).</summary>
    public Uri? TokenEndpoint { get; private set; }

    /// <summary>The client the registration belongs to (read at connect).</summary>
    public string ClientId { get; private set; } = string.Empty;

    public string? ClientName { get; private set; }

    /// <summary>When the server last rotated the registration access token on an update; null if it never did in this session.</summary>
    public DateTimeOffset? RegistrationAccessTokenRotatedAt { get; private set; }

    /// <summary>
    /// A copy of the current registration access token (the server may rotate it on an update:
    /// save this one for the next session when <see cref="RegistrationAccessTokenRotatedAt"/> is set).
    /// </summary>
    public SecureString RegistrationAccessToken
    {
        get
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                SecureString copy = _token.Copy();
                copy.MakeReadOnly();
                return copy;
            }
        }
    }

    public IClientCredentialProvider CredentialProvider { get; }

    internal OidcRegistrationClient Registration { get; }

    internal DateTimeOffset Now => (_pipelineOptions.Clock ?? (() => DateTimeOffset.UtcNow))();

    /// <summary>Reads the client (proving the token) and the provider's discovery document.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        OidcClientRecord client = await Registration.ReadAsync(cancellationToken).ConfigureAwait(false);
        ClientId = client.ClientId;
        ClientName = client.ClientName;
        await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        OperationLog.Current.Verbose($"Connected to the registration of client '{ClientId}' at {RegistrationClientUri}; token endpoint {TokenEndpoint}.");
    }

    public override string ToString() => $"OpenID client registration {ClientId} at {RegistrationClientUri.GetLeftPart(UriPartial.Authority)}";

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _token.Dispose();
            foreach (HttpPipeline pipeline in _pipelines.Values)
            {
                pipeline.Dispose();
            }

            _pipelines.Clear();
        }
    }

    /// <summary>The token in clear for one request's header (never stored elsewhere).</summary>
    internal Task<string> RevealTokenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            char[] chars = SecureStrings.ToChars(_token);
            try
            {
                return Task.FromResult(new string(chars));
            }
            finally
            {
                SecureStrings.Clear(chars);
            }
        }
    }

    /// <summary>Keeps the token an answer carries when it differs from the one held (a rotation by the server).</summary>
    internal void TakeToken(string? answered)
    {
        if (string.IsNullOrEmpty(answered))
        {
            return;
        }

        bool first;
        lock (_gate)
        {
            ThrowIfDisposed();
            char[] current = SecureStrings.ToChars(_token);
            try
            {
                if (new string(current) == answered)
                {
                    return;
                }
            }
            finally
            {
                SecureStrings.Clear(current);
            }

            SecureString replaced = SecureStrings.FromString(answered!);
            replaced.MakeReadOnly();
            _token.Dispose();
            _token = replaced;
            first = RegistrationAccessTokenRotatedAt is null;
            RegistrationAccessTokenRotatedAt = Now;
        }

        // Warned once per connection (a rotation makes two updates); later rotations go to verbose.
        string message = $"The server rotated the registration access token of client '{ClientId}'; the connection uses the new one. Save it for the next session from the connection's RegistrationAccessToken property: the old one no longer works.";
        if (first)
        {
            OperationLog.Current.Warning(message);
        }
        else
        {
            OperationLog.Current.Verbose(message);
        }
    }

    /// <summary>The pipeline for the origin of <paramref name="uri"/> (one per origin, shared by the calls).</summary>
    internal HttpPipeline PipelineFor(Uri uri)
    {
        string origin = uri.GetLeftPart(UriPartial.Authority) + "/";
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_pipelines.TryGetValue(origin, out HttpPipeline? pipeline))
            {
                pipeline = new HttpPipeline(new Uri(origin), _pipelineOptions);
                _pipelines[origin] = pipeline;
            }

            return pipeline;
        }
    }

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        string issuer = Issuer.AbsoluteUri.TrimEnd('/');
        var tried = new List<string>();
        foreach (Uri document in DiscoveryDocuments(Issuer))
        {
            tried.Add(document.AbsoluteUri);
            var request = new ApiRequest(HttpMethod.Get, document.PathAndQuery) { Target = Issuer };
            ApiResponse response;
            try
            {
                response = await PipelineFor(document).SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.StatusCode is 404 or 400 or 401 or 403)
            {
                continue;
            }

            (string? announced, string? tokenEndpoint) = ReadDiscovery(response.Body);
            if (announced is null || !OidcWire.SameIssuer(announced, issuer))
            {
                throw new PsCredRotateException(
                    ErrorIds.OidcDiscoveryFailed,
                    ErrorKind.InvalidData,
                    $"The discovery document {document} names the issuer '{announced ?? "(none)"}', not '{issuer}'. Give the provider's issuer with -Issuer.",
                    Issuer);
            }

            if (tokenEndpoint is null || !Uri.TryCreate(tokenEndpoint, UriKind.Absolute, out Uri? endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            {
                throw new PsCredRotateException(
                    ErrorIds.OidcDiscoveryFailed,
                    ErrorKind.InvalidData,
                    $"The discovery document {document} names no usable token_endpoint; PsCredRotate needs it to verify a key with a real token request.",
                    Issuer);
            }

            CheckHttpUri(endpoint, ErrorIds.OidcDiscoveryFailed, "token endpoint");

            Issuer = new Uri(announced);
            IssuerIdentifier = announced;
            TokenEndpoint = endpoint;
            return;
        }

        throw new PsCredRotateException(
            ErrorIds.OidcDiscoveryFailed,
            ErrorKind.ObjectNotFound,
            $"No discovery document was found for the issuer '{issuer}' (tried {string.Join(", ", tried)}). Give the provider's issuer with -Issuer.",
            Issuer);
    }

    /// <summary>OpenID Connect Discovery ({issuer}/.well-known/openid-configuration), then RFC 8414 (/.well-known/oauth-authorization-server{path}).</summary>
    internal static IEnumerable<Uri> DiscoveryDocuments(Uri issuer)
    {
        string trimmed = issuer.AbsoluteUri.TrimEnd('/');
        yield return new Uri(trimmed + OidcWire.OpenIdConfiguration);
        string path = issuer.AbsolutePath.TrimEnd('/');
        yield return new Uri(issuer.GetLeftPart(UriPartial.Authority) + OidcWire.AuthorizationServerMetadata + path);
    }

    private static (string? Issuer, string? TokenEndpoint) ReadDiscovery(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? Read(string name) => root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            return (Read(OidcWire.Issuer), Read(OidcWire.TokenEndpoint));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static void CheckHttpUri(Uri uri, string errorId, string what)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new PsCredRotateException(
                errorId,
                ErrorKind.InvalidArgument,
                string.Format(CultureInfo.InvariantCulture, "The {0} '{1}' is not an absolute http(s) URI without a fragment.", what, uri),
                uri);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new PsCredRotateException(
                ErrorIds.InsecureTransport,
                ErrorKind.SecurityError,
                $"Plain http is refused for the {what} '{uri.Authority}': the registration access token and the client's metadata would travel unencrypted. Use https (plain http is accepted only for a loopback provider such as http://127.0.0.1:3000).",
                uri);
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(OidcConnection), "The OpenID client registration connection was closed; connect again.");
        }
    }
}
