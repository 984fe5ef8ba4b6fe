using System.Text.Json.Nodes;
using PsCredRotate.Core.Keys;
using PsCredRotate.Emulator.Auth0;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>A client the seed created, with the private keys of its credentials (the test holds them, as the client's owner would).</summary>
public sealed class SeededClient
{
    internal SeededClient(string clientId, string secret, string method, IReadOnlyList<RotationKey> attached, IReadOnlyList<RotationKey> detached)
    {
        foreach (RotationKey key in attached.Concat(detached))
        {
            TakenKids.Add(key.Kid);
        }

        ClientId = clientId;
        Secret = secret;
        Method = method;
        AttachedKeys = attached;
        DetachedKeys = detached;
    }

    public string ClientId { get; }

    public string Secret { get; }

    /// <summary>private_key_jwt, client_secret_post or client_secret_basic.</summary>
    public string Method { get; }

    /// <summary>The keys of the attached credentials, in attach order.</summary>
    public IReadOnlyList<RotationKey> AttachedKeys { get; }

    /// <summary>The keys of stored credentials that are not attached.</summary>
    public IReadOnlyList<RotationKey> DetachedKeys { get; }

    public IEnumerable<string> AttachedKids => AttachedKeys.Select(k => k.Kid);

    public IEnumerable<string> DetachedKids => DetachedKeys.Select(k => k.Kid);

    /// <summary>Every kid this client held or was given by <see cref="NewKey"/>.</summary>
    public HashSet<string> TakenKids { get; } = new(StringComparer.Ordinal);

    /// <summary>A key this client has not held yet (for the rotation's new key).</summary>
    public RotationKey NewKey() => TestKeys.Take(TakenKids);
}

/// <summary>
/// Writes an emulator seed (docs/emulator.md, "Seed format"): the sample API, clients that hold it
/// in a grant (so a verification token can be issued), their credentials, and extra management
/// clients with chosen scopes.
/// </summary>
public sealed class TenantSeedBuilder
{
    /// <summary>The API every seeded client has a grant for; rotations verify against it.</summary>
    public const string Api = TenantSeed.SampleApi;

    private readonly JsonArray _clients = new();
    private readonly JsonArray _grants = new();
    private readonly List<SeededClient> _seeded = new();

    public IReadOnlyList<SeededClient> Clients => _seeded;

    /// <summary>A machine-to-machine client on private_key_jwt with <paramref name="attached"/> attached and <paramref name="detached"/> stored-only credentials.</summary>
    public SeededClient AddPrivateKeyJwtClient(string clientId, int attached = 1, int detached = 0)
    {
        if (attached < 1 || attached > 2 || attached + detached > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(attached), "Auth0 allows 1-2 attached and at most 4 stored credentials.");
        }

        RotationKey[] keys = TestKeys.Distinct(attached + detached, start: _seeded.Count % 6);
        RotationKey[] attachedKeys = keys.Take(attached).ToArray();
        RotationKey[] detachedKeys = keys.Skip(attached).ToArray();
        JsonObject client = ClientBody(clientId, null);
        client["client_authentication_methods"] = new JsonObject
        {
            ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(attachedKeys.Select(k => (JsonNode?)CredentialBody(k, "attached " + k.Kid[..8])).ToArray()) },
        };
        client["credentials"] = new JsonArray(detachedKeys.Select(k => (JsonNode?)CredentialBody(k, "spare " + k.Kid[..8])).ToArray());
        return Add(client, clientId, "private_key_jwt", attachedKeys, detachedKeys);
    }

    /// <summary>A machine-to-machine client that authenticates with its secret today.</summary>
    public SeededClient AddSecretClient(string clientId, string method = "client_secret_post") =>
        Add(ClientBody(clientId, method), clientId, method, Array.Empty<RotationKey>(), Array.Empty<RotationKey>());

    /// <summary>Another Management API client with exactly <paramref name="scopes"/> (to test a missing scope).</summary>
    public void AddManagementClient(string clientId, string secret, IEnumerable<string> scopes)
    {
        JsonObject client = ClientBody(clientId, "client_secret_post");
        client["client_secret"] = secret;
        _clients.Add(client);
        _grants.Add(new JsonObject { ["client_id"] = clientId, ["audience"] = TenantSeed.ManagementAudience, ["scope"] = new JsonArray(scopes.Select(s => (JsonNode?)s).ToArray()) });
    }

    public JsonObject Build() => new()
    {
        ["clients"] = _clients.DeepClone(),
        ["resource_servers"] = new JsonArray(new JsonObject { ["identifier"] = Api, ["name"] = "Rotation test API", ["scopes"] = new JsonArray("read:data") }),
        ["client_grants"] = _grants.DeepClone(),
    };

    private SeededClient Add(JsonObject client, string clientId, string method, IReadOnlyList<RotationKey> attached, IReadOnlyList<RotationKey> detached)
    {
        string secret = "secret-of-" + clientId + "-0123456789abcdef0123456789";
        client["client_secret"] = secret;
        _clients.Add(client);
        _grants.Add(new JsonObject { ["client_id"] = clientId, ["audience"] = Api, ["scope"] = new JsonArray("read:data") });
        var seeded = new SeededClient(clientId, secret, method, attached, detached);
        _seeded.Add(seeded);
        return seeded;
    }

    private static JsonObject ClientBody(string clientId, string? tokenEndpointAuthMethod)
    {
        var body = new JsonObject
        {
            ["client_id"] = clientId,
            ["name"] = "Rotation target " + clientId,
            ["app_type"] = "non_interactive",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
        };
        if (tokenEndpointAuthMethod is not null)
        {
            body["token_endpoint_auth_method"] = tokenEndpointAuthMethod;
        }

        return body;
    }

    private static JsonObject CredentialBody(RotationKey key, string name) => new()
    {
        ["credential_type"] = "public_key",
        ["name"] = name,
        ["pem"] = key.PublicKeyPem,
        ["alg"] = key.Algorithm.ToString(),
    };
}
