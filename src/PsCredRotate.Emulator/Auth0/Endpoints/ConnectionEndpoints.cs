using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Endpoints;

/// <summary>/api/v2/connections: list, get, and the keys of oidc/okta connections using private_key_jwt.</summary>
public static class ConnectionEndpoints
{
    private static readonly IReadOnlySet<string> KeyBodyFields = new HashSet<string>(StringComparer.Ordinal) { "signing_alg" };
    private static readonly string[] KeyAlgorithms = { "RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384" };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/connections", (HttpContext http, TenantContext tenant) =>
        {
            (int page, int perPage, bool totals) = Paging.Read(http.Request.Query);
            string? strategy = http.Request.Query["strategy"];
            string? name = http.Request.Query["name"];
            (List<JsonObject> items, int total) = tenant.Store.Read(s =>
            {
                List<Connection> matching = s.Connections
                    .Where(c => string.IsNullOrEmpty(strategy) || strategy.Split(',').Contains(c.Strategy))
                    .Where(c => string.IsNullOrEmpty(name) || c.Name == name)
                    .ToList();
                return (matching.Skip(Paging.Start(page, perPage)).Take(perPage).Select(c => Render(c, forList: true)).ToList(), matching.Count);
            });
            var array = new JsonArray(items.Select(i => (JsonNode?)i).ToArray());
            return totals
                ? ApiResults.Json(new JsonObject { ["total"] = total, ["start"] = Paging.Start(page, perPage), ["limit"] = perPage, ["connections"] = array })
                : ApiResults.Json(array);
        }).AnyScope("read:connections");

        api.MapGet("/connections/{id}", (string id, TenantContext tenant) =>
        {
            JsonObject? found = tenant.Store.Read(s => s.FindConnection(id) is { } c ? Render(c, forList: false) : null);
            return found is null ? NotFound().ToResult() : ApiResults.Json(found);
        }).AnyScope("read:connections");

        api.MapGet("/connections/{id}/keys", (string id, TenantContext tenant) =>
        {
            JsonArray keys = tenant.Store.Read(s =>
            {
                Connection c = s.FindConnection(id) ?? throw NotFound();
                if (!c.SupportsKeys)
                {
                    throw new ApiError(400, Auth0Messages.ConnectionKeysNotAvailable, "invalid_request");
                }

                return new JsonArray(c.Keys.Select(k => (JsonNode?)RenderKey(k)).ToArray());
            });
            return ApiResults.Json(keys);
        }).AnyScope("read:connections_keys");

        api.MapPost("/connections/{id}/keys", async (string id, HttpContext http, TenantContext tenant) =>
        {
            string algorithm = await ReadAlgorithmAsync(http).ConfigureAwait(false);
            DateTimeOffset now = tenant.Now;
            JsonArray created = tenant.Store.Write(s =>
            {
                Connection c = s.FindConnection(id) ?? throw NotFound();
                CheckKeyable(c, Auth0Messages.ConnectionKeysNotAvailable);
                if (c.Keys.Count > 0)
                {
                    throw new ApiError(409, Auth0Messages.ConnectionKeysExist, "conflict");
                }

                TenantSeed.ProvisionKeys(c, now, algorithm);
                return new JsonArray(c.Keys.Select(k => (JsonNode?)RenderKey(k)).ToArray());
            });
            return ApiResults.Json(created, 201);
        }).AnyScope("create:connections_keys");

        api.MapPost("/connections/{id}/keys/rotate", async (string id, HttpContext http, TenantContext tenant) =>
        {
            string algorithm = await ReadAlgorithmAsync(http).ConfigureAwait(false);
            DateTimeOffset now = tenant.Now;
            JsonObject rotated = tenant.Store.Write(s =>
            {
                Connection c = s.FindConnection(id) ?? throw NotFound();
                CheckKeyable(c, Auth0Messages.ConnectionRotateNotSupported);
                ConnectionKey fresh = TenantSeed.NewConnectionKey(c, now, algorithm);
                fresh.Next = true;
                c.Keys.RemoveAll(k => k.Previous);
                foreach (ConnectionKey k in c.Keys)
                {
                    if (k.Current)
                    {
                        k.Current = false;
                        k.Previous = true;
                        k.CurrentSince = null;
                    }
                    else if (k.Next)
                    {
                        k.Next = false;
                        k.Current = true;
                        k.CurrentSince = now;
                    }
                }

                c.Keys.Add(fresh);
                return RenderKey(fresh);
            });
            return ApiResults.Json(rotated, 201);
        }).AllScopes("create:connections_keys", "update:connections_keys");
    }

    /// <summary>A connection; the list leaves out enabled_clients (ConnectionForList has no such member).</summary>
    public static JsonObject Render(Connection c, bool forList)
    {
        var o = new JsonObject
        {
            ["id"] = c.Id,
            ["options"] = c.Options.DeepClone(),
            ["strategy"] = c.Strategy,
            ["name"] = c.Name,
            ["is_domain_connection"] = false,
            ["realms"] = new JsonArray(c.Name),
        };
        if (!forList)
        {
            o["enabled_clients"] = new JsonArray(c.EnabledClients.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }

        return o;
    }

    /// <summary>Flags appear only when true, as recorded; current keys carry current_since.</summary>
    public static JsonObject RenderKey(ConnectionKey k)
    {
        var o = new JsonObject
        {
            ["kid"] = k.Kid,
            ["algorithm"] = k.Algorithm,
            ["key_use"] = k.KeyUse,
            ["subject_dn"] = k.SubjectDn,
            ["cert"] = k.Cert,
            ["fingerprint"] = k.Fingerprint,
            ["thumbprint"] = k.Thumbprint,
            ["pkcs"] = k.Pkcs,
        };
        if (k.Current)
        {
            o["current"] = true;
            if (k.CurrentSince is { } since)
            {
                o["current_since"] = KeyMaterial.Timestamp(since);
            }
        }

        if (k.Next)
        {
            o["next"] = true;
        }

        if (k.Previous)
        {
            o["previous"] = true;
        }

        return o;
    }

    private static void CheckKeyable(Connection c, string unsupported)
    {
        if (!c.SupportsKeys)
        {
            throw new ApiError(400, unsupported, "invalid_request");
        }

        if (!c.UsesPrivateKeyJwt)
        {
            throw new ApiError(400, Auth0Messages.ConnectionNotJwt, "invalid_request");
        }
    }

    private static async Task<string> ReadAlgorithmAsync(HttpContext http)
    {
        JsonObject body = await ApiResults.ReadBodyAsync(http.Request).ConfigureAwait(false);
        ApiResults.RejectUnknown(body, KeyBodyFields);
        string? alg = ApiResults.OptionalString(body, "signing_alg");
        if (alg is null)
        {
            return "RS256";
        }

        if (Array.IndexOf(KeyAlgorithms, alg) < 0)
        {
            throw ApiError.BadBody($"Payload validation error: 'No enum match for: \"{alg}\"' on property signing_alg.");
        }

        if (alg.StartsWith("ES", StringComparison.Ordinal))
        {
            throw ApiError.BadBody($"The emulator generates RSA connection keys only; signing_alg {alg} is not supported.");
        }

        return alg;
    }

    private static ApiError NotFound() => new(404, Auth0Messages.ConnectionNotFound, "inexistent_connection");
}
