using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The Management API v2 calls PsCredRotate makes, typed. Failures are
/// <see cref="Http.ApiException"/>s: 404 on a client → <see cref="ErrorIds.ClientNotFound"/>, 403 →
/// <see cref="ErrorIds.InsufficientScope"/> naming the scope, and so on. One method is one call
/// (a list is one call per page): nothing is read behind the caller's back.
/// </summary>
public sealed partial class Auth0ManagementApi
{
    /// <summary>The page size of every list (Auth0's maximum).</summary>
    public const int PageSize = 100;

    /// <summary>Auth0's limit on a credential's name.</summary>
    public const int MaxCredentialNameLength = 128;

    private const string DuplicateKeyMarker = "already exist";

    private readonly Auth0Connection _connection;

    internal Auth0ManagementApi(Auth0Connection connection)
    {
        _connection = connection;
    }

    /// <summary>All clients (every page, per_page 100), filtered; <paramref name="progress"/> gets the count read so far.</summary>
    public async Task<IReadOnlyList<Auth0Client>> ListClientsAsync(Auth0ClientQuery? query, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        query ??= new Auth0ClientQuery();
        Regex? name = query.NamePattern is null ? null : Wildcard(query.NamePattern);
        var methods = new HashSet<ClientAuthenticationMethod>(query.AuthenticationMethods ?? Array.Empty<ClientAuthenticationMethod>());
        string appTypes = string.Join(",", (query.AppTypes ?? Array.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()));
        var result = new List<Auth0Client>();
        int read = 0;
        for (int page = 0; ; page++)
        {
            string path = $"/api/v2/clients?page={page.ToString(CultureInfo.InvariantCulture)}&per_page={PageSize.ToString(CultureInfo.InvariantCulture)}&include_totals=true"
                + $"&fields={Uri.EscapeDataString(Auth0Wire.ClientFields)}&include_fields=true"
                + (appTypes.Length == 0 ? string.Empty : "&app_type=" + Uri.EscapeDataString(appTypes));
            var request = new ApiRequest(HttpMethod.Get, path);
            ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
            (List<Auth0Client> clients, int? total) = Auth0Wire.Read(response, request, root => ReadPage(root, Auth0Wire.Clients, e => Auth0Wire.ReadClient(e, _connection.Domain)));
            read += clients.Count;
            progress?.Report(read);
            result.AddRange(clients.Where(c =>
                (name is null || name.IsMatch(c.Name ?? string.Empty))
                && (methods.Count == 0 || methods.Contains(c.AuthenticationMethod))));
            if (clients.Count == 0 || (total is int t ? read >= t : clients.Count < PageSize))
            {
                return result;
            }
        }
    }

    public async Task<Auth0Client> GetClientAsync(string clientId, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        ApiRequest request = ClientRequest(HttpMethod.Get, clientId, "?fields=" + Uri.EscapeDataString(Auth0Wire.ClientFields) + "&include_fields=true");
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => Auth0Wire.ReadClient(root, _connection.Domain));
    }

    /// <summary>GET /clients/{id}/credentials; <see cref="ClientCredential.Attached"/> is set from <paramref name="attachedIds"/>.</summary>
    public async Task<IReadOnlyList<ClientCredential>> ListCredentialsAsync(string clientId, IReadOnlyCollection<string> attachedIds, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        var attached = new HashSet<string>(attachedIds ?? Array.Empty<string>(), StringComparer.Ordinal);
        ApiRequest request = CredentialRequest(HttpMethod.Get, clientId, null);
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root =>
        {
            // Auth0 answers a bare array; an envelope (if paging were ever honoured) is read too.
            JsonElement list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty(Auth0Wire.Credentials, out JsonElement inner) ? inner : root;
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the credential list is not an array");
            }

            return (IReadOnlyList<ClientCredential>)list.EnumerateArray()
                .Select(e => Auth0Wire.ReadCredential(e, clientId, attached.Contains(Auth0Wire.Text(e, Auth0Wire.Id) ?? string.Empty)))
                .ToList();
        });
    }

    /// <summary>
    /// POST /clients/{id}/credentials (201). The input is checked first (algorithm, key size,
    /// certificate, expiry, name), so bad input makes no call. A key the client already holds is
    /// <see cref="ErrorIds.CredentialExists"/> with the kid as target.
    /// </summary>
    public async Task<ClientCredential> CreateCredentialAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        JsonObject body = BuildCreateBody(credential ?? throw new ArgumentNullException(nameof(credential)), _connection.Now);
        string json = body.ToJsonString();
        ApiRequest request = CredentialRequest(HttpMethod.Post, clientId, null);
        request.Content = () => new StringContent(json, Encoding.UTF8, "application/json");
        ApiResponse response;
        try
        {
            response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 409
            || (ex.StatusCode == 400 && ex.ProviderMessage?.IndexOf(DuplicateKeyMarker, StringComparison.OrdinalIgnoreCase) >= 0))
        {
            throw new ApiException(
                ErrorIds.CredentialExists,
                ErrorKind.ResourceExists,
                $"Client '{clientId}' already holds a credential for the key '{credential.Key.Kid}' ({ex.ProviderMessage}). Use that credential (Get-ClientCredential -CredentialId {credential.Key.Kid}) or a new key.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                credential.Key.Kid,
                ex);
        }

        return Auth0Wire.Read(response, request, root => Auth0Wire.ReadCredential(root, clientId, attached: false));
    }

    /// <summary>
    /// PATCH /clients/{id}/credentials/{credential_id} with expires_at. The answer does not say
    /// whether the credential is attached: the record returned has <see cref="ClientCredential.Attached"/> false.
    /// </summary>
    public async Task<ClientCredential> UpdateCredentialExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        CheckId(credentialId, nameof(credentialId));
        if (expiresAt is DateTimeOffset expiry && expiry <= _connection.Now)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryInPast,
                ErrorKind.InvalidArgument,
                $"The expiry {Auth0Wire.Timestamp(expiry)} is not in the future: the credential '{credentialId}' would stop working at once. Give a later date or -NeverExpires.",
                expiry);
        }

        string json = new JsonObject { [Auth0Wire.ExpiresAt] = expiresAt is DateTimeOffset e ? Auth0Wire.Timestamp(e) : null }.ToJsonString();
        ApiRequest request = CredentialRequest(new HttpMethod("PATCH"), clientId, credentialId);
        request.Content = () => new StringContent(json, Encoding.UTF8, "application/json");
        request.Idempotent = true;
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => Auth0Wire.ReadCredential(root, clientId, attached: false));
    }

    /// <summary>DELETE /clients/{id}/credentials/{credential_id} (204; a 404 for the credential counts as done, one for the client does not).</summary>
    public async Task DeleteCredentialAsync(string clientId, string credentialId, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        CheckId(credentialId, nameof(credentialId));
        ApiRequest request = CredentialRequest(HttpMethod.Delete, clientId, credentialId);
        try
        {
            await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.ErrorId == ErrorIds.CredentialNotFound)
        {
            // Already gone: what was asked for is true.
        }
    }

    /// <summary>
    /// PATCH /clients/{id} {client_authentication_methods:{private_key_jwt:{credentials:[{id}…]}}, token_endpoint_auth_method:null}; returns the client as answered.
    /// An empty list is sent as Auth0 takes it (the client is left with no usable credential): the
    /// guard against that is the engine's (<see cref="ErrorIds.LastAttachedCredential"/> unless forced).
    /// </summary>
    public Task<Auth0Client> SetPrivateKeyJwtCredentialsAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        if (credentialIds is null || credentialIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("The credential ids must not be null or blank.", nameof(credentialIds));
        }

        var list = new JsonArray(credentialIds.Select(id => (JsonNode?)new JsonObject { [Auth0Wire.Id] = id }).ToArray());
        var body = new JsonObject
        {
            [Auth0Wire.ClientAuthenticationMethods] = new JsonObject { [Auth0Wire.PrivateKeyJwt] = new JsonObject { [Auth0Wire.Credentials] = list } },
            [Auth0Wire.TokenEndpointAuthMethod] = null,
        };
        return PatchClientAsync(clientId, body, cancellationToken);
    }

    /// <summary>PATCH /clients/{id} {client_authentication_methods:null, token_endpoint_auth_method:method} (back to a secret).</summary>
    public Task<Auth0Client> SetTokenEndpointAuthMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        if (method is not (ClientAuthenticationMethod.ClientSecretPost or ClientAuthenticationMethod.ClientSecretBasic or ClientAuthenticationMethod.None))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "Only none, client_secret_post and client_secret_basic are token endpoint methods.");
        }

        var body = new JsonObject
        {
            [Auth0Wire.ClientAuthenticationMethods] = null,
            [Auth0Wire.TokenEndpointAuthMethod] = Auth0Wire.MethodName(method),
        };
        return PatchClientAsync(clientId, body, cancellationToken);
    }

    /// <summary>The audiences (API identifiers) the client has client grants for (GET /client-grants?client_id=).</summary>
    public async Task<IReadOnlyList<string>> ListGrantAudiencesAsync(string clientId, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        var audiences = new List<string>();
        int read = 0;
        for (int page = 0; ; page++)
        {
            var request = new ApiRequest(
                HttpMethod.Get,
                $"/api/v2/client-grants?client_id={Uri.EscapeDataString(clientId)}&page={page.ToString(CultureInfo.InvariantCulture)}&per_page={PageSize.ToString(CultureInfo.InvariantCulture)}&include_totals=true")
            {
                Target = clientId,
            };
            ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
            (List<string?> grants, int? total) = Auth0Wire.Read(response, request, root => ReadPage(root, Auth0Wire.ClientGrants, e => Auth0Wire.Text(e, Auth0Wire.Audience)));
            read += grants.Count;
            foreach (string? audience in grants)
            {
                if (!string.IsNullOrEmpty(audience) && !audiences.Contains(audience!, StringComparer.Ordinal))
                {
                    audiences.Add(audience!);
                }
            }

            if (grants.Count == 0 || (total is int t ? read >= t : grants.Count < PageSize))
            {
                return audiences;
            }
        }
    }

    /// <summary>Checks a new credential against Auth0's rules and builds the POST body; throws before any call.</summary>
    internal static JsonObject BuildCreateBody(NewClientCredential credential, DateTimeOffset now)
    {
        RotationKey key = credential.Key;
        CredentialPolicy policy = CredentialPolicy.Auth0;
        if (!policy.Algorithms.Contains(key.Algorithm))
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialAlgorithmUnsupported,
                ErrorKind.InvalidArgument,
                $"Auth0 accepts client credentials signed with {string.Join(", ", policy.Algorithms)}; the key '{key.Kid}' uses {key.Algorithm}. Use an RSA key (New-RotationKey -Algorithm RS256).",
                key.Algorithm);
        }

        if (key.KeySize is int size && size < policy.MinRsaKeySize)
        {
            throw new PsCredRotateException(ErrorIds.RsaKeyTooSmall, ErrorKind.InvalidArgument, $"The key '{key.Kid}' has {size} bits; Auth0 needs at least {policy.MinRsaKeySize}.", key.Kid);
        }

        if (key.KeySize is int big && big > policy.MaxRsaKeySize)
        {
            throw new PsCredRotateException(ErrorIds.RsaKeyTooLarge, ErrorKind.InvalidArgument, $"The key '{key.Kid}' has {big} bits; Auth0 accepts at most {policy.MaxRsaKeySize}.", key.Kid);
        }

        bool x509 = credential.Type == ClientCredentialType.X509Cert;
        if ((x509 || credential.ParseExpiryFromCertificate) && key.CertificatePem is null)
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateRequired,
                ErrorKind.InvalidArgument,
                $"The key '{key.Kid}' has no certificate, which {(x509 ? "an x509_cert credential" : "-ParseExpiryFromCertificate")} needs. Create the key with a certificate (New-RotationKey -Certificate) or import one.",
                key.Kid);
        }

        if (credential.ExpiresAt is not null && credential.ParseExpiryFromCertificate)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryConflict,
                ErrorKind.InvalidArgument,
                "Give either an expiry or -ParseExpiryFromCertificate, not both.",
                key.Kid);
        }

        if (credential.ExpiresAt is DateTimeOffset expiresAt && expiresAt <= now)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryInPast,
                ErrorKind.InvalidArgument,
                $"The expiry {Auth0Wire.Timestamp(expiresAt)} is not in the future: the credential would never work.",
                expiresAt);
        }

        if ((x509 || credential.ParseExpiryFromCertificate) && key.NotAfter is DateTimeOffset notAfter && notAfter <= now)
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateExpired,
                ErrorKind.InvalidArgument,
                $"The certificate of key '{key.Kid}' expired at {Auth0Wire.Timestamp(notAfter)}.",
                key.Kid);
        }

        string name = credential.Name ?? key.Name ?? $"PsCredRotate {key.Kid.Substring(0, Math.Min(8, key.Kid.Length))} {now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        if (name.Length > MaxCredentialNameLength || name.Any(char.IsControl))
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialNameInvalid,
                ErrorKind.InvalidArgument,
                $"A credential name must be at most {MaxCredentialNameLength} characters without control characters; this one has {name.Length}.",
                name);
        }

        var body = new JsonObject
        {
            [Auth0Wire.CredentialType] = x509 ? Auth0Wire.X509Cert : Auth0Wire.PublicKey,
            [Auth0Wire.Name] = name,
            [Auth0Wire.Pem] = key.CertificatePem ?? key.PublicKeyPem,
        };
        if (!x509)
        {
            body[Auth0Wire.Alg] = key.Algorithm.ToString();
            if (credential.ExpiresAt is DateTimeOffset expiry)
            {
                body[Auth0Wire.ExpiresAt] = Auth0Wire.Timestamp(expiry);
            }

            if (credential.ParseExpiryFromCertificate)
            {
                body[Auth0Wire.ParseExpiryFromCert] = true;
            }
        }

        return body;
    }

    private async Task<Auth0Client> PatchClientAsync(string clientId, JsonObject body, CancellationToken cancellationToken)
    {
        string json = body.ToJsonString();
        ApiRequest request = ClientRequest(new HttpMethod("PATCH"), clientId, string.Empty);
        request.Content = () => new StringContent(json, Encoding.UTF8, "application/json");

        // The body sets absolute values: sending it twice leaves the same client.
        request.Idempotent = true;
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => Auth0Wire.ReadClient(root, _connection.Domain));
    }

    private static ApiRequest ClientRequest(HttpMethod method, string clientId, string suffix) =>
        new(method, "/api/v2/clients/" + Uri.EscapeDataString(clientId) + suffix)
        {
            Target = clientId,
            NotFound = _ => (ErrorIds.ClientNotFound, clientId),
        };

    private static ApiRequest CredentialRequest(HttpMethod method, string clientId, string? credentialId) =>
        new(method, "/api/v2/clients/" + Uri.EscapeDataString(clientId) + "/credentials" + (credentialId is null ? string.Empty : "/" + Uri.EscapeDataString(credentialId)))
        {
            Target = credentialId ?? clientId,
            NotFound = error => credentialId is null || IsClientNotFound(error)
                ? (ErrorIds.ClientNotFound, clientId)
                : (ErrorIds.CredentialNotFound, credentialId),
        };

    private static bool IsClientNotFound(ApiError error) =>
        string.Equals(error.ErrorCode, Auth0Wire.InexistentClient, StringComparison.Ordinal)
        || (error.Message?.IndexOf("client does not exist", StringComparison.OrdinalIgnoreCase) ?? -1) >= 0;

    private static (List<T> Items, int? Total) ReadPage<T>(JsonElement root, string member, Func<JsonElement, T> read)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return (root.EnumerateArray().Select(read).ToList(), null);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(member, out JsonElement items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"expected an array or an object with '{member}'");
        }

        int? total = root.TryGetProperty(Auth0Wire.Total, out JsonElement t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out int n) ? n : null;
        return (items.EnumerateArray().Select(read).ToList(), total);
    }

    private static Regex Wildcard(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (char c in pattern)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    private static void CheckId(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("An id is required.", name);
        }
    }
}
