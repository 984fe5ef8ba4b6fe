using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Endpoints;

/// <summary>/api/v2/clients: list, get, create, update, delete, rotate-secret (and /api/v2/client-grants, <see cref="ClientGrantEndpoints"/>).</summary>
public static class ClientEndpoints
{
    private static readonly string[] ReadScopes = { "read:clients", "read:client_keys", "read:client_credentials", "read:client_summary" };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/clients", (HttpContext http, TenantContext tenant) =>
        {
            (int page, int perPage, bool totals) = Paging.Read(http.Request.Query);
            bool showKeys = ShowKeys(http);
            string? appType = http.Request.Query["app_type"];
            (List<JsonObject> items, int total) = tenant.Store.Read(s =>
            {
                string? cert = CurrentCert(s);
                List<Client> matching = s.Clients.Where(c => string.IsNullOrEmpty(appType) || appType.Split(',').Contains(c.AppType)).ToList();
                return (matching.Skip(Paging.Start(page, perPage)).Take(perPage)
                    .Select(c => ClientRules.Project(ClientRules.Render(c, cert, showKeys), http.Request.Query["fields"], http.Request.Query["include_fields"]))
                    .ToList(), matching.Count);
            });
            var array = new JsonArray(items.Select(i => (JsonNode?)i).ToArray());
            return totals
                ? ApiResults.Json(new JsonObject { ["start"] = Paging.Start(page, perPage), ["limit"] = perPage, ["total"] = total, ["clients"] = array })
                : ApiResults.Json(array);
        }).AnyScope(ReadScopes);

        api.MapGet("/clients/{id}", (string id, HttpContext http, TenantContext tenant) =>
        {
            bool showKeys = ShowKeys(http);
            JsonObject? found = tenant.Store.Read(s => s.FindClient(id) is { } c ? ClientRules.Render(c, CurrentCert(s), showKeys) : null);
            return found is null
                ? ApiError.ClientNotFound().ToResult()
                : ApiResults.Json(ClientRules.Project(found, http.Request.Query["fields"], http.Request.Query["include_fields"]));
        }).AnyScope(ReadScopes);

        api.MapPost("/clients", async (HttpContext http, TenantContext tenant) =>
        {
            JsonObject body = await ApiResults.ReadBodyAsync(http.Request).ConfigureAwait(false);
            DateTimeOffset now = tenant.Now;
            Client client = ClientRules.Create(body, now);
            JsonObject created = tenant.Store.Write(s =>
            {
                s.Clients.Add(client);
                return ClientRules.RenderCreated(client, CurrentCert(s));
            });
            return ApiResults.Json(created, 201);
        }).AnyScope("create:clients");

        api.MapPatch("/clients/{id}", async (string id, HttpContext http, TenantContext tenant) =>
        {
            JsonObject body = await ApiResults.ReadBodyAsync(http.Request).ConfigureAwait(false);
            ManagementCaller caller = http.Caller();
            bool showKeys = ShowKeys(http);
            JsonObject updated = tenant.Store.Write(s =>
            {
                int index = s.Clients.FindIndex(c => c.ClientId == id);
                if (index < 0)
                {
                    throw ApiError.ClientNotFound();
                }

                // Patch a copy, so a refusal anywhere leaves the stored client untouched.
                Client copy = Clone(s.Clients[index]);
                ClientRules.Patch(copy, body, caller.Scopes);
                s.Clients[index] = copy;
                return ClientRules.Render(copy, CurrentCert(s), showKeys);
            });
            return ApiResults.Json(updated);
        }).AnyScope("update:clients", "update:client_keys", "update:client_credentials", "update:client_token_vault_privileged_access");

        api.MapDelete("/clients/{id}", (string id, TenantContext tenant) =>
        {
            tenant.Store.Write(s =>
            {
                s.Clients.RemoveAll(c => c.ClientId == id);
                s.ClientGrants.RemoveAll(g => g.ClientId == id);
                return 0;
            });
            return Results.NoContent();
        }).AnyScope("delete:clients");

        api.MapPost("/clients/{id}/rotate-secret", (string id, TenantContext tenant) =>
        {
            JsonObject rotated = tenant.Store.Write(s =>
            {
                Client client = s.FindClient(id) ?? throw ApiError.ClientNotFound();
                if (client.UsesPrivateKeyJwt)
                {
                    throw new ApiError(400, Auth0Messages.RotateSecretPrivateKeyJwt, "invalid_request");
                }

                client.ClientSecret = KeyMaterial.NewSecret();
                JsonObject o = ClientRules.Render(client, CurrentCert(s), showKeys: true);
                return o;
            });
            return ApiResults.Json(rotated);
        }).AnyScope("update:client_keys");

        ClientGrantEndpoints.Map(api);
    }

    public static string? CurrentCert(TenantState s) => s.SigningKeys.Find(k => k.Current)?.CertPem;

    public static Client Clone(Client client) =>
        JsonSerializer.Deserialize<Client>(JsonSerializer.Serialize(client))!;

    private static bool ShowKeys(HttpContext http)
    {
        IReadOnlySet<string> scopes = http.Caller().Scopes;
        return scopes.Contains("read:client_keys") || scopes.Contains("read:client_credentials");
    }
}

/// <summary>page, per_page and include_totals as Auth0 reads them (page from 0, per_page up to 100, default 50).</summary>
public static class Paging
{
    public static (int Page, int PerPage, bool IncludeTotals) Read(IQueryCollection query)
    {
        int page = Number(query, "page", 0, 0, int.MaxValue);
        int perPage = Number(query, "per_page", 50, 0, 100);
        bool totals = string.Equals(query["include_totals"], "true", StringComparison.OrdinalIgnoreCase);
        return (page, perPage, totals);
    }

    /// <summary>The index of the first item of a page (saturating, never overflowing).</summary>
    public static int Start(int page, int perPage) => (int)Math.Min((long)page * perPage, int.MaxValue);

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max)
    {
        string? text = query[name];
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw new ApiError(400, $"Query validation error: 'Expected type integer but found type string' on property {name}.", "invalid_query_string");
        }

        if (value < min)
        {
            throw new ApiError(400, $"Query validation error: 'Number is less than minimum value ({min})' on property {name}.", "invalid_query_string");
        }

        if (value > max)
        {
            throw new ApiError(400, $"Query validation error: 'Number is greater than maximum value ({max})' on property {name}.", "invalid_query_string");
        }

        return value;
    }
}
