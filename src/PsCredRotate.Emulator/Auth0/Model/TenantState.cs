using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PsCredRotate.Emulator.Auth0.Model;

/// <summary>
/// The whole Auth0 tenant, serializable with System.Text.Json. It holds secrets (client secrets and
/// the PKCS#8 PEM private keys of the tenant signing keys and connection keys): a state file written
/// from it must be readable by its owner only.
/// </summary>
public sealed class TenantState
{
    /// <summary>The tenant domain (host[:port]); null until resolved from options or the first request.</summary>
    public string? Domain { get; set; }

    public List<SigningKey> SigningKeys { get; set; } = new();

    public List<Client> Clients { get; set; } = new();

    public List<ResourceServer> ResourceServers { get; set; } = new();

    public List<ClientGrant> ClientGrants { get; set; } = new();

    public List<Connection> Connections { get; set; } = new();

    /// <summary>The Dfns organisation (--dfns); null until its first write, so Auth0-only snapshots are unchanged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dfns.DfnsState? Dfns { get; set; }

    public Client? FindClient(string clientId) => Clients.Find(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    public Connection? FindConnection(string id) => Connections.Find(c => string.Equals(c.Id, id, StringComparison.Ordinal));
}

/// <summary>A tenant signing key (signs access tokens); its certificate is self-signed.</summary>
public sealed class SigningKey
{
    public string Kid { get; set; } = "";

    /// <summary>PKCS#8 PEM of the private key (a secret).</summary>
    public string PrivateKeyPem { get; set; } = "";

    /// <summary>The certificate as PEM with CRLF line breaks, as Auth0 writes it.</summary>
    public string CertPem { get; set; } = "";

    public string Pkcs7Pem { get; set; } = "";

    public bool Current { get; set; }

    public bool Next { get; set; }

    public bool Previous { get; set; }

    public bool Revoked { get; set; }

    public DateTimeOffset? CurrentSince { get; set; }

    public DateTimeOffset? CurrentUntil { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>An application. Fields the emulator acts on are typed; the rest ride along in <see cref="Extra"/>.</summary>
public sealed class Client
{
    public string ClientId { get; set; } = "";

    public string Name { get; set; } = "";

    public string? AppType { get; set; }

    /// <summary>A secret; only shown where Auth0 shows it.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>none, client_secret_post or client_secret_basic; null while client_authentication_methods is set.</summary>
    public string? TokenEndpointAuthMethod { get; set; } = "client_secret_post";

    public List<string> GrantTypes { get; set; } = new() { "authorization_code", "implicit", "refresh_token", "client_credentials" };

    public JsonObject JwtConfiguration { get; set; } = new() { ["secret_encoded"] = false, ["alg"] = "RS256" };

    /// <summary>client_authentication_methods: method name (private_key_jwt, tls_client_auth, self_signed_tls_client_auth) to attached credential ids; null when unset.</summary>
    public Dictionary<string, List<string>>? AuthenticationMethods { get; set; }

    /// <summary>signed_request_object as last written (credential ids are checked like the auth methods).</summary>
    public JsonObject? SignedRequestObject { get; set; }

    /// <summary>The credential pool (at most 4), attached or not.</summary>
    public List<Credential> Credentials { get; set; } = new();

    /// <summary>Every other client property, written back as given (description, is_first_party, refresh_token, ...).</summary>
    public JsonObject Extra { get; set; } = new();

    [JsonIgnore]
    public bool UsesPrivateKeyJwt => AuthenticationMethods is not null && AuthenticationMethods.ContainsKey(AuthMethods.PrivateKeyJwt);

    public Credential? FindCredential(string id) => Credentials.Find(c => string.Equals(c.Id, id, StringComparison.Ordinal));

    public bool IsAttached(string credentialId) =>
        (AuthenticationMethods?.Values.Any(ids => ids.Contains(credentialId, StringComparer.Ordinal)) ?? false)
        || (SignedRequestObject?["credentials"] is JsonArray sro && sro.Any(n => n?["id"]?.GetValue<string>() == credentialId));
}

public static class AuthMethods
{
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string TlsClientAuth = "tls_client_auth";
    public const string SelfSignedTlsClientAuth = "self_signed_tls_client_auth";
    public const string ClientSecretPost = "client_secret_post";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string None = "none";
}

/// <summary>A client credential (public key or certificate) in a client's pool.</summary>
public sealed class Credential
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>public_key, x509_cert or cert_subject_dn.</summary>
    public string CredentialType { get; set; } = "public_key";

    public string? Kid { get; set; }

    public string? Alg { get; set; }

    /// <summary>The PEM as uploaded (never returned).</summary>
    public string? Pem { get; set; }

    /// <summary>The RSA public key as SPKI PEM, what assertions are verified with.</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>RFC 7638 thumbprint of the public key: the same key on one client is refused.</summary>
    public string? KeyThumbprint { get; set; }

    public string? ThumbprintSha256 { get; set; }

    public string? SubjectDn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>An API. Identifiers may use the {tenant} placeholder (https://domain) in a seed.</summary>
public sealed class ResourceServer
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Identifier { get; set; } = "";

    public List<string> Scopes { get; set; } = new();
}

public sealed class ClientGrant
{
    public string Id { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>The API identifier; {tenant} stands for https://domain.</summary>
    public string Audience { get; set; } = "";

    public List<string> Scope { get; set; } = new();
}

public sealed class Connection
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Strategy { get; set; } = "auth0";

    public JsonObject Options { get; set; } = new();

    public List<string> EnabledClients { get; set; } = new();

    public List<ConnectionKey> Keys { get; set; } = new();

    [JsonIgnore]
    public bool SupportsKeys => Strategy is "oidc" or "okta";

    [JsonIgnore]
    public bool UsesPrivateKeyJwt => string.Equals(Options["token_endpoint_auth_method"]?.GetValue<string>(), AuthMethods.PrivateKeyJwt, StringComparison.Ordinal);
}

/// <summary>A connection's key pair for private_key_jwt towards the upstream IdP.</summary>
public sealed class ConnectionKey
{
    public string Kid { get; set; } = "";

    public string PrivateKeyPem { get; set; } = "";

    public string Cert { get; set; } = "";

    public string Pkcs { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public string Thumbprint { get; set; } = "";

    public string SubjectDn { get; set; } = "";

    public string Algorithm { get; set; } = "RS256";

    public string KeyUse { get; set; } = "signing";

    public bool Current { get; set; }

    public bool Next { get; set; }

    public bool Previous { get; set; }

    public DateTimeOffset? CurrentSince { get; set; }
}
