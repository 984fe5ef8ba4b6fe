using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0;

/// <summary>
/// Builds the initial tenant: from a --seed JSON file, or the documented default tenant
/// (docs/emulator.md). The management client from the options is always present.
/// </summary>
public static class TenantSeed
{
    /// <summary>The Management API audience in seeds and grants: {tenant} is https://domain.</summary>
    public const string ManagementAudience = "{tenant}/api/v2/";

    /// <summary>Every Management API scope PsCredRotate needs; the management client holds them all.</summary>
    public static readonly IReadOnlyList<string> ManagementScopes = new[]
    {
        "read:clients", "create:clients", "update:clients", "delete:clients",
        "read:client_keys", "update:client_keys",
        "read:client_credentials", "create:client_credentials", "update:client_credentials", "delete:client_credentials",
        "read:client_grants", "read:resource_servers",
        "read:signing_keys", "create:signing_keys", "update:signing_keys",
        "read:connections", "read:connections_keys", "create:connections_keys", "update:connections_keys",
    };

    public const string SampleClientId = "emulator-sample-m2m";
    public const string SampleClientSecret = "emulator-sample-secret-change-me";
    public const string SampleApi = "https://api.example.com";

    public static TenantState Build(EmulatorOptions options, DateTimeOffset now)
    {
        var state = new TenantState();
        JsonObject? seed = null;
        if (options.SeedPath is not null)
        {
            try
            {
                seed = JsonNode.Parse(File.ReadAllText(options.SeedPath)) as JsonObject
                    ?? throw new ArgumentException($"The seed '{options.SeedPath}' is not a JSON object.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                throw new ArgumentException($"The seed '{options.SeedPath}' cannot be read: {ex.Message}", ex);
            }
        }

        try
        {
            state.Domain = seed?["domain"]?.GetValue<string>();
            string subject = options.Domain ?? state.Domain ?? "auth0-emulator.local";
            // RSA generation dominates the start; the two keys are made side by side.
            SigningKey[] keys = new SigningKey[2];
            Parallel.For(0, 2, i => keys[i] = NewSigningKey(subject, now, current: i == 0));
            state.SigningKeys.AddRange(keys);

            state.Clients.Add(ManagementClient(options, now));
            state.ResourceServers.Add(new ResourceServer
            {
                Id = "api_" + KeyMaterial.AlphanumericId(16),
                Name = "Auth0 Management API",
                Identifier = ManagementAudience,
                Scopes = ManagementScopes.ToList(),
            });
            state.ClientGrants.Add(new ClientGrant { Id = "cgr_" + KeyMaterial.AlphanumericId(16), ClientId = options.ManagementClientId, Audience = ManagementAudience, Scope = ManagementScopes.ToList() });

            if (seed is null)
            {
                AddSamples(state, now);
            }
            else
            {
                Apply(state, seed, now);
            }
        }
        catch (ApiError ex)
        {
            throw new ArgumentException($"The seed is not valid: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            throw new ArgumentException($"The seed is not valid: {ex.Message}", ex);
        }

        return state;
    }

    public static SigningKey NewSigningKey(string subject, DateTimeOffset now, bool current)
    {
        GeneratedKey key = KeyMaterial.NewRsaWithCertificate(subject, now, TimeSpan.FromDays(3650));
        string sha1 = KeyMaterial.Sha1Hex(key.CertDer);
        return new SigningKey
        {
            // Auth0's kid scheme: base64url of the upper-case hex SHA-1 thumbprint; x5t is the same string.
            Kid = KeyMaterial.Base64Url(System.Text.Encoding.ASCII.GetBytes(sha1)),
            PrivateKeyPem = key.PrivateKeyPem,
            CertPem = key.CertPem,
            Pkcs7Pem = key.Pkcs7Pem,
            Current = current,
            Next = !current,
            CurrentSince = current ? now : null,
        };
    }

    /// <summary>A connection key (RSA-2048, self-signed, one year, subject /CN=connection name).</summary>
    public static ConnectionKey NewConnectionKey(Connection connection, DateTimeOffset now, string algorithm)
    {
        GeneratedKey key = KeyMaterial.NewRsaWithCertificate(connection.Name, now, TimeSpan.FromDays(365));
        string sha1 = KeyMaterial.Sha1Hex(key.CertDer);
        return new ConnectionKey
        {
            Kid = KeyMaterial.JwkThumbprint(key.PublicParameters),
            PrivateKeyPem = key.PrivateKeyPem,
            Cert = key.CertPem,
            Pkcs = key.Pkcs7Pem,
            Thumbprint = sha1,
            Fingerprint = KeyMaterial.Colons(sha1),
            SubjectDn = "/CN=" + connection.Name,
            Algorithm = algorithm,
            KeyUse = "signing",
        };
    }

    /// <summary>Creates the current and next keys of an oidc/okta connection using private_key_jwt.</summary>
    public static void ProvisionKeys(Connection connection, DateTimeOffset now, string algorithm)
    {
        ConnectionKey[] made = new ConnectionKey[2];
        Parallel.For(0, 2, i => made[i] = NewConnectionKey(connection, now, algorithm));
        ConnectionKey current = made[0];
        current.Current = true;
        current.CurrentSince = now;
        ConnectionKey next = made[1];
        next.Next = true;
        connection.Keys.Add(current);
        connection.Keys.Add(next);
    }

    private static Client ManagementClient(EmulatorOptions options, DateTimeOffset now)
    {
        Client client = ClientRules.Create(
            new JsonObject
            {
                ["name"] = "Emulator Management Client",
                ["app_type"] = "non_interactive",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
                ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
            },
            now,
            options.ManagementClientId,
            options.ManagementClientSecret);
        return client;
    }

    private static void AddSamples(TenantState state, DateTimeOffset now)
    {
        state.Clients.Add(ClientRules.Create(
            new JsonObject
            {
                ["name"] = "Sample Machine-to-Machine",
                ["app_type"] = "non_interactive",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
                ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
            },
            now,
            SampleClientId,
            SampleClientSecret));
        state.ResourceServers.Add(new ResourceServer { Id = "api_sample", Name = "Sample API", Identifier = SampleApi, Scopes = new() { "read:data", "write:data" } });
        state.ClientGrants.Add(new ClientGrant { Id = "cgr_sample", ClientId = SampleClientId, Audience = SampleApi, Scope = new() { "read:data", "write:data" } });

        var oidc = new Connection
        {
            Id = "con_oidcSample00001",
            Name = "oidc-private-key-jwt",
            Strategy = "oidc",
            Options = new JsonObject
            {
                ["type"] = "back_channel",
                ["client_id"] = "upstream-client",
                ["issuer"] = "https://idp.example.com/",
                ["discovery_url"] = "https://idp.example.com/.well-known/openid-configuration",
                ["token_endpoint_auth_method"] = "private_key_jwt",
                ["token_endpoint_auth_signing_alg"] = "RS256",
                ["scope"] = "openid profile email",
            },
        };
        ProvisionKeys(oidc, now, "RS256");
        state.Connections.Add(oidc);
        state.Connections.Add(new Connection
        {
            Id = "con_oktaSample00001",
            Name = "okta-client-secret",
            Strategy = "okta",
            Options = new JsonObject
            {
                ["type"] = "back_channel",
                ["client_id"] = "upstream-okta-client",
                ["domain"] = "example.okta.com",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["scope"] = "openid profile email",
            },
        });
        state.Connections.Add(new Connection
        {
            Id = "con_dbSample0000001",
            Name = "Username-Password-Authentication",
            Strategy = "auth0",
            Options = new JsonObject { ["passwordPolicy"] = "good", ["brute_force_protection"] = true },
        });
    }

    private static void Apply(TenantState state, JsonObject seed, DateTimeOffset now)
    {
        foreach (JsonObject item in Objects(seed, "clients"))
        {
            var body = (JsonObject)item.DeepClone();
            string? id = Take(body, "client_id");
            string? secret = Take(body, "client_secret");
            JsonNode? pool = body["credentials"];
            body.Remove("credentials");
            Client client = ClientRules.Create(body, now, id, secret);
            if (pool is JsonArray poolItems)
            {
                foreach (JsonNode? p in poolItems)
                {
                    client.Credentials.Add(CredentialRules.Build(p as JsonObject ?? throw new FormatException("A credential is not an object."), client, now));
                }
            }

            state.Clients.RemoveAll(c => c.ClientId == client.ClientId);
            state.Clients.Add(client);
        }

        foreach (JsonObject item in Objects(seed, "resource_servers"))
        {
            state.ResourceServers.Add(new ResourceServer
            {
                Id = item["id"]?.GetValue<string>() ?? "api_" + KeyMaterial.AlphanumericId(16),
                Name = item["name"]?.GetValue<string>() ?? "",
                Identifier = item["identifier"]?.GetValue<string>() ?? throw new FormatException("A resource server needs an identifier."),
                Scopes = Strings(item["scopes"]),
            });
        }

        foreach (JsonObject item in Objects(seed, "client_grants"))
        {
            state.ClientGrants.Add(new ClientGrant
            {
                Id = "cgr_" + KeyMaterial.AlphanumericId(16),
                ClientId = item["client_id"]?.GetValue<string>() ?? throw new FormatException("A client grant needs a client_id."),
                Audience = item["audience"]?.GetValue<string>() ?? throw new FormatException("A client grant needs an audience."),
                Scope = Strings(item["scope"]),
            });
        }

        foreach (JsonObject item in Objects(seed, "connections"))
        {
            var connection = new Connection
            {
                Id = item["id"]?.GetValue<string>() ?? "con_" + KeyMaterial.AlphanumericId(16),
                Name = item["name"]?.GetValue<string>() ?? throw new FormatException("A connection needs a name."),
                Strategy = item["strategy"]?.GetValue<string>() ?? "auth0",
                Options = item["options"] is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject(),
                EnabledClients = Strings(item["enabled_clients"]),
            };
            if (connection.SupportsKeys && connection.UsesPrivateKeyJwt)
            {
                ProvisionKeys(connection, now, connection.Options["token_endpoint_auth_signing_alg"]?.GetValue<string>() ?? "RS256");
            }

            state.Connections.Add(connection);
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonObject seed, string name) =>
        seed[name] is JsonArray array ? array.OfType<JsonObject>() : Enumerable.Empty<JsonObject>();

    private static List<string> Strings(JsonNode? node) =>
        node switch
        {
            JsonArray a => a.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue v => v.GetValue<string>().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => new List<string>(),
        };

    private static string? Take(JsonObject body, string name)
    {
        string? value = body[name]?.GetValue<string>();
        body.Remove(name);
        return value;
    }
}
