using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Oidc;

/// <summary>
/// The rotation engine's view of one client's RFC 7592 registration. The client's credentials are
/// the keys of its <c>jwks</c>, named by their RFC 7638 thumbprint (Id = Kid); a key's own kid
/// member, when it has another one, is its Name and is what the assertion header carries. Adding a
/// key is attaching it (<see cref="CredentialPolicy.SeparateAttach"/> false): ReadAsync = GET;
/// AddAsync and DeleteAsync = GET + PUT of the full metadata with jwks changed; TestAsync = GET (the
/// key's kid member) + a private_key_jwt client_credentials request at the token endpoint.
/// </summary>
public sealed class OidcCredentialProvider : IClientCredentialProvider
{
    /// <summary>
    /// The keys a client may hold: RS256, PS256, ES256, EdDSA (what oidc-provider's default
    /// clientAuthSigningAlgValues accepts for private_key_jwt), RSA 2048-4096 bits, at most 4 keys
    /// (no server limit; enough for old + new with room to spare, and a bound on accumulation).
    /// </summary>
    public static readonly CredentialPolicy OidcPolicy = new(
        maxAttached: 4,
        maxStored: 4,
        algorithms: new[] { KeyAlgorithm.RS256, KeyAlgorithm.PS256, KeyAlgorithm.ES256, KeyAlgorithm.EdDSA },
        minRsaKeySize: 2048,
        maxRsaKeySize: 4096,
        separateAttach: false);

    private readonly OidcConnection _connection;

    internal OidcCredentialProvider(OidcConnection connection)
    {
        _connection = connection;
    }

    public string Name => OidcWire.ProviderName;

    public CredentialPolicy Policy => OidcPolicy;

    public async Task<ClientCredentialState> ReadAsync(string clientId, CancellationToken cancellationToken)
    {
        OidcClientRecord record = await ReadClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        return record.ToState();
    }

    public async Task<ClientCredential> AddAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken)
    {
        if (credential is null)
        {
            throw new ArgumentNullException(nameof(credential));
        }

        RotationKey key = credential.Key;
        OidcClientRecord record = await ReadClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (record.AuthenticationMethod != ClientAuthenticationMethod.PrivateKeyJwt)
        {
            throw new PsCredRotateException(
                ErrorIds.OidcClientNotPrivateKeyJwt,
                ErrorKind.InvalidOperation,
                $"Client '{record.ClientId}' authenticates with {record.AuthMethodName}, not private_key_jwt, so a key in its jwks would not let it sign in. PsCredRotate does not switch an OpenID client's method (its other callers would stop getting tokens); register it for private_key_jwt, then rotate. Nothing was changed.",
                record.ClientId);
        }

        if (record.Find(key.Kid) is not null)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExists,
                ErrorKind.ResourceExists,
                $"Client '{record.ClientId}' already holds key {key.Kid} in its jwks.",
                key.Kid);
        }

        IEnumerable<JsonObject> keys = record.Keys.Select(k => k.Json).Concat(new[] { OidcJwk.FromKey(key) });
        OidcClientRecord updated = await _connection.Registration.UpdateAsync(record, keys, cancellationToken).ConfigureAwait(false);
        OidcJwk added = updated.Find(key.Kid) ?? throw ApiErrors.InvalidResponse(
            HttpMethod.Put.Method,
            _connection.RegistrationClientUri.AbsolutePath,
            200,
            $"the updated client does not hold the added key {key.Kid}",
            record.ClientId);
        return updated.ToCredential(added, attached: true);
    }

    /// <summary>
    /// A key is attached while it is in jwks: a list equal to the current one is answered without a
    /// call; any other is refused with <see cref="ErrorIds.OidcKeyCannotBeDetached"/> (the engine never
    /// asks; Disable-ClientCredential does).
    /// </summary>
    public async Task<IReadOnlyList<string>> SetAttachedAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken)
    {
        ClientCredentialState state = await ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (credentialIds is not null && new HashSet<string>(credentialIds, StringComparer.Ordinal).SetEquals(state.AttachedIds))
        {
            return state.AttachedIds;
        }

        throw new PsCredRotateException(
            ErrorIds.OidcKeyCannotBeDetached,
            ErrorKind.InvalidOperation,
            $"A key in the jwks of client '{state.ClientId}' can sign in while it is there; it cannot be detached and kept. Remove it (Remove-ClientCredential) instead. Nothing was changed.",
            state.ClientId);
    }

    public Task RestoreAuthenticationMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken) =>
        throw new PsCredRotateException(
            ErrorIds.OidcClientNotPrivateKeyJwt,
            ErrorKind.InvalidOperation,
            $"PsCredRotate does not change the token_endpoint_auth_method of OpenID client '{clientId}'.",
            clientId);

    public Task<ClientCredential> SetExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        throw new PsCredRotateException(
            ErrorIds.OidcExpiryUnsupported,
            ErrorKind.InvalidOperation,
            $"A key in the jwks of client '{clientId}' has no expiry (RFC 7592 client metadata holds none). Remove the key when it should stop working. Nothing was changed.",
            credentialId);

    public async Task DeleteAsync(string clientId, string credentialId, CancellationToken cancellationToken)
    {
        OidcClientRecord record = await ReadClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (record.Find(credentialId) is null)
        {
            return;
        }

        IEnumerable<JsonObject> keys = record.Keys.Where(k => k.Thumbprint != credentialId).Select(k => k.Json);
        OidcClientRecord updated = await _connection.Registration.UpdateAsync(record, keys, cancellationToken).ConfigureAwait(false);
        if (updated.Find(credentialId) is not null)
        {
            throw ApiErrors.InvalidResponse(HttpMethod.Put.Method, _connection.RegistrationClientUri.AbsolutePath, 200, $"the updated client still holds the removed key {credentialId}", record.ClientId);
        }
    }

    /// <summary>
    /// A client_credentials request at the token endpoint, authenticated by a private_key_jwt
    /// assertion signed with <paramref name="key"/>: iss = sub = client id, aud = the issuer
    /// identifier (oidc-provider 9 accepts the issuer, the token endpoint URL or the endpoint's own
    /// URL), header kid = the jwks entry's kid member (none when the entry has none, as
    /// oidc-provider then matches by alg and key type). <paramref name="audience"/>, when given, is
    /// sent as the RFC 8707 resource. invalid_client (401) is a result with Success false.
    /// </summary>
    public async Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        OidcClientRecord record = await ReadClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        OidcJwk? entry = record.Find(key.Kid);
        string? headerKid = entry is null ? key.Kid : entry.KidMember;
        Uri endpoint = _connection.TokenEndpoint ?? throw new PsCredRotateException(
            ErrorIds.OidcDiscoveryFailed,
            ErrorKind.InvalidOperation,
            "The connection has no token endpoint; connect first (Connect-OidcClientRegistration).");
        string issuer = _connection.IssuerIdentifier ?? _connection.Issuer.AbsoluteUri;

        // Checked before any call: a key that cannot sign is the caller's error, not a refusal.
        OidcAssertion.Create(key, record.ClientId, issuer, headerKid, _connection.Now);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", record.ClientId),
            new("client_assertion_type", OidcWire.JwtBearerAssertionType),
        };
        if (!string.IsNullOrWhiteSpace(audience))
        {
            form.Add(new KeyValuePair<string, string>("resource", audience!));
        }

        var request = new ApiRequest(HttpMethod.Post, endpoint.PathAndQuery)
        {
            Target = record.ClientId,
            Content = () => new FormUrlEncodedContent(form.Concat(new[]
            {
                new KeyValuePair<string, string>("client_assertion", OidcAssertion.Create(key, record.ClientId, issuer, headerKid, _connection.Now)),
            })),
            LoggableContent = () => $"grant_type=client_credentials&client_id={Uri.EscapeDataString(record.ClientId)}{(string.IsNullOrWhiteSpace(audience) ? string.Empty : "&resource=" + Uri.EscapeDataString(audience!))}&client_assertion={Redaction.Mask} (kid {key.Kid})",
        };
        DateTimeOffset testedAt = _connection.Now;
        ApiResponse response;
        try
        {
            response = await _connection.PipelineFor(endpoint).SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode is 401 or 403 || (ex.StatusCode == 400 && ex.ProviderErrorCode == "invalid_client"))
        {
            return new ClientCredentialTestResult(record.ClientId, key.Kid, audience, false, null, ex.StatusCode, ex.ProviderErrorCode, ex.ProviderMessage, testedAt);
        }

        long expiresIn;
        try
        {
            using JsonDocument document = JsonDocument.Parse(response.Body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out JsonElement token) || token.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("no access_token in the answer");
            }

            expiresIn = root.TryGetProperty("expires_in", out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long s) ? s : 0L;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw ApiErrors.InvalidResponse(HttpMethod.Post.Method, endpoint.AbsolutePath, response.StatusCode, ex.Message, record.ClientId, ex);
        }

        Diagnostics.OperationLog.Current.Verbose(string.Format(CultureInfo.InvariantCulture, "Client '{0}' obtained a token at {1} with kid {2}.", record.ClientId, endpoint, key.Kid));
        return new ClientCredentialTestResult(record.ClientId, key.Kid, audience, true, expiresIn > 0 ? testedAt.AddSeconds(expiresIn) : null, response.StatusCode, null, null, testedAt);
    }

    /// <summary>GET the client after the checks that need no call: the client id is the registration's, and its keys are in jwks (not jwks_uri).</summary>
    private async Task<OidcClientRecord> ReadClientAsync(string clientId, CancellationToken cancellationToken)
    {
        EnsureClient(clientId);
        OidcClientRecord record = await _connection.Registration.ReadAsync(cancellationToken).ConfigureAwait(false);
        EnsureClient(clientId, record.ClientId);
        if (record.JwksUri is not null && !record.HasJwks)
        {
            throw new PsCredRotateException(
                ErrorIds.OidcClientUsesJwksUri,
                ErrorKind.InvalidOperation,
                $"Client '{record.ClientId}' publishes its keys at jwks_uri {record.JwksUri}, so they are not in its registration: rotate them where that document is served (add the new key there, then remove the old one). Nothing was changed.",
                record.ClientId);
        }

        return record;
    }

    private void EnsureClient(string clientId, string? registered = null)
    {
        registered ??= _connection.ClientId;
        if (string.IsNullOrEmpty(registered))
        {
            return;
        }

        if (!string.Equals(clientId, registered, StringComparison.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.OidcClientIdMismatch,
                ErrorKind.InvalidArgument,
                $"The connection manages client '{registered}' (its registration at {_connection.RegistrationClientUri}), not '{clientId}'. Pass -ClientId {registered}, or connect to the other client's registration. Nothing was changed.",
                clientId);
        }
    }
}
