using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Oidc;

/// <summary>One key of a client's <c>jwks</c>: its RFC 7638 thumbprint and the members PsCredRotate reads.</summary>
internal sealed class OidcJwk
{
    public OidcJwk(JsonObject json, string thumbprint)
    {
        Json = json;
        Thumbprint = thumbprint;
        KidMember = Text(json, OidcWire.Kid);
        Alg = Text(json, OidcWire.Alg);
        Kty = Text(json, OidcWire.Kty)!;
    }

    /// <summary>The JWK exactly as the server holds it (written back unchanged).</summary>
    public JsonObject Json { get; }

    /// <summary>The RFC 7638 SHA-256 thumbprint: the credential's Id and Kid.</summary>
    public string Thumbprint { get; }

    /// <summary>The JWK's own <c>kid</c> member (null without one); the assertion header must carry it.</summary>
    public string? KidMember { get; }

    public string? Alg { get; }

    public string Kty { get; }

    /// <summary>The RFC 7638 thumbprint of a JWK object; null when it is not a public key of a known type.</summary>
    public static string? ComputeThumbprint(JsonObject jwk)
    {
        IReadOnlyList<string>? required = OidcWire.ThumbprintMembers(Text(jwk, OidcWire.Kty));
        if (required is null)
        {
            return null;
        }

        var members = new List<KeyValuePair<string, string>>();
        foreach (string name in required)
        {
            if (Text(jwk, name) is not { Length: > 0 } value || value.Any(c => c < '!' || c > '~' || c == '"' || c == '\\'))
            {
                return null;
            }

            members.Add(new KeyValuePair<string, string>(name, value));
        }

        using var sha = SHA256.Create();
        return Base64Url.Encode(sha.ComputeHash(Encoding.UTF8.GetBytes(JwkThumbprint.CanonicalJson(members))));
    }

    /// <summary>The JWK PsCredRotate writes for a new key: its public members, kid = thumbprint, use sig, alg.</summary>
    public static JsonObject FromKey(RotationKey key)
    {
        var jwk = new JsonObject();
        IReadOnlyList<KeyValuePair<string, string>> members = key.Material.PublicJwkMembers();
        jwk[OidcWire.Kty] = members.First(m => m.Key == OidcWire.Kty).Value;
        jwk[OidcWire.Kid] = key.Kid;
        jwk[OidcWire.Use] = OidcWire.Sig;
        jwk[OidcWire.Alg] = Jose.JwsCompact.AlgorithmName(key.Algorithm);
        foreach (KeyValuePair<string, string> member in members.Where(m => m.Key != OidcWire.Kty))
        {
            jwk[member.Key] = member.Value;
        }

        return jwk;
    }

    internal static string? Text(JsonObject o, string name) =>
        o.TryGetPropertyValue(name, out JsonNode? node) && node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}

/// <summary>
/// A client's metadata as the client configuration endpoint answered it (RFC 7592 §3): every
/// member kept as is (for the full-metadata PUT), and the facts the provider reads. The
/// registration access token of the answer is taken out at parse time and never kept here.
/// </summary>
internal sealed class OidcClientRecord
{
    private OidcClientRecord(JsonObject metadata, string clientId, IReadOnlyList<OidcJwk> keys, IReadOnlyList<JsonNode?> unreadKeys, bool hasJwks)
    {
        Metadata = metadata;
        ClientId = clientId;
        Keys = keys;
        UnreadKeys = unreadKeys;
        HasJwks = hasJwks;
        ClientName = OidcJwk.Text(metadata, OidcWire.ClientName);
        AuthMethodName = OidcJwk.Text(metadata, OidcWire.TokenEndpointAuthMethod) ?? OidcWire.DefaultAuthMethod;
        JwksUri = OidcJwk.Text(metadata, OidcWire.JwksUri);
    }

    /// <summary>Every member of the answer except the registration access token.</summary>
    public JsonObject Metadata { get; }

    public string ClientId { get; }

    public string? ClientName { get; }

    /// <summary>token_endpoint_auth_method, default client_secret_basic (RFC 7591 §2).</summary>
    public string AuthMethodName { get; }

    public ClientAuthenticationMethod AuthenticationMethod => OidcWire.Method(AuthMethodName);

    public string? JwksUri { get; }

    public bool HasJwks { get; }

    /// <summary>The keys of jwks PsCredRotate can name, first of each thumbprint, in the server's order.</summary>
    public IReadOnlyList<OidcJwk> Keys { get; }

    /// <summary>Entries of jwks that are not public keys of a known type: kept as they are, never touched.</summary>
    public IReadOnlyList<JsonNode?> UnreadKeys { get; }

    public OidcJwk? Find(string thumbprint) => Keys.FirstOrDefault(k => k.Thumbprint == thumbprint);

    /// <summary>
    /// Reads an answer; <paramref name="registrationAccessToken"/> is the token it carries (null
    /// without one). Throws FormatException for a body that is not client metadata.
    /// </summary>
    public static OidcClientRecord Parse(string body, out string? registrationAccessToken)
    {
        JsonObject metadata = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("the answer is not a JSON object");
        registrationAccessToken = OidcJwk.Text(metadata, OidcWire.RegistrationAccessToken);
        metadata.Remove(OidcWire.RegistrationAccessToken);
        string clientId = OidcJwk.Text(metadata, OidcWire.ClientId) is { Length: > 0 } id ? id : throw new FormatException("no client_id in the client metadata");
        var keys = new List<OidcJwk>();
        var unread = new List<JsonNode?>();
        bool hasJwks = false;
        if (metadata.TryGetPropertyValue(OidcWire.Jwks, out JsonNode? jwks) && jwks is JsonObject set)
        {
            hasJwks = true;
            if (set.TryGetPropertyValue(OidcWire.Keys, out JsonNode? list) && list is JsonArray array)
            {
                foreach (JsonNode? entry in array)
                {
                    string? thumbprint = entry is JsonObject jwk ? OidcJwk.ComputeThumbprint(jwk) : null;
                    if (thumbprint is null || keys.Any(k => k.Thumbprint == thumbprint))
                    {
                        unread.Add(entry);
                        continue;
                    }

                    keys.Add(new OidcJwk((JsonObject)entry!, thumbprint));
                }
            }
        }

        return new OidcClientRecord(metadata, clientId, keys, unread, hasJwks);
    }

    /// <summary>
    /// The body of a client update (RFC 7592 §2.2): every member read, minus the four the server
    /// issues, with client_id, and jwks set to <paramref name="keys"/> followed by the entries
    /// PsCredRotate could not read (unchanged).
    /// </summary>
    public string UpdateBody(IEnumerable<JsonObject> keys)
    {
        var body = (JsonObject)Metadata.DeepClone();
        foreach (string member in OidcWire.ServerIssuedMembers)
        {
            body.Remove(member);
        }

        body[OidcWire.ClientId] = ClientId;
        var array = new JsonArray();
        foreach (JsonObject key in keys)
        {
            array.Add(key.DeepClone());
        }

        foreach (JsonNode? entry in UnreadKeys)
        {
            array.Add(entry?.DeepClone());
        }

        JsonObject jwks = Metadata.TryGetPropertyValue(OidcWire.Jwks, out JsonNode? existing) && existing is JsonObject set
            ? (JsonObject)set.DeepClone()
            : new JsonObject();
        jwks[OidcWire.Keys] = array;
        body[OidcWire.Jwks] = jwks;
        return body.ToJsonString();
    }

    /// <summary>The keys as credentials (attached while the client signs in with private_key_jwt).</summary>
    public ClientCredentialState ToState()
    {
        bool attached = AuthenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt;
        var credentials = Keys.Select(k => ToCredential(k, attached)).ToList();
        return new ClientCredentialState(
            ClientId,
            ClientName,
            AuthenticationMethod,
            attached ? credentials.Select(c => c.Id).ToList() : new List<string>(),
            credentials);
    }

    public ClientCredential ToCredential(OidcJwk key, bool attached) =>
        new(
            ClientId,
            key.Thumbprint,
            key.Thumbprint,
            key.KidMember,
            key.Alg ?? DefaultAlgorithm(key),
            OidcWire.JwkType,
            attached,
            null,
            null,
            null,
            OidcWire.ProviderName);

    private static string? DefaultAlgorithm(OidcJwk key) => key.Kty switch
    {
        "RSA" => null,
        "OKP" => "EdDSA",
        _ => OidcJwk.Text(key.Json, "crv") switch
        {
            "P-256" => "ES256",
            "P-384" => "ES384",
            "P-521" => "ES512",
            _ => null,
        },
    };
}
