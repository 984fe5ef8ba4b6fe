using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Endpoints;

/// <summary>
/// GET /api/v2/client-grants: the client grants, filtered by <c>client_id</c> and <c>audience</c>,
/// paged like /clients (page, per_page up to 100, include_totals → {start, limit, total, client_grants}).
/// Audiences are shown expanded ({tenant} → https://domain). Scope read:client_grants.
/// </summary>
public static class ClientGrantEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/client-grants", (HttpContext http, TenantContext tenant) =>
        {
            (int page, int perPage, bool totals) = Paging.Read(http.Request.Query);
            string? clientId = http.Request.Query["client_id"];
            string? audience = http.Request.Query["audience"];
            (List<JsonObject> items, int total) = tenant.Store.Read(s =>
            {
                List<ClientGrant> matching = s.ClientGrants
                    .Where(g => string.IsNullOrEmpty(clientId) || g.ClientId == clientId)
                    .Where(g => string.IsNullOrEmpty(audience) || tenant.Expand(g.Audience, http) == audience)
                    .ToList();
                return (matching.Skip(Paging.Start(page, perPage)).Take(perPage).Select(g => Render(g, tenant, http)).ToList(), matching.Count);
            });
            var array = new JsonArray(items.Select(i => (JsonNode?)i).ToArray());
            return totals
                ? ApiResults.Json(new JsonObject { ["start"] = Paging.Start(page, perPage), ["limit"] = perPage, ["total"] = total, ["client_grants"] = array })
                : ApiResults.Json(array);
        }).AnyScope("read:client_grants");
    }

    private static JsonObject Render(ClientGrant grant, TenantContext tenant, HttpContext http) => new()
    {
        ["id"] = grant.Id,
        ["client_id"] = grant.ClientId,
        ["audience"] = tenant.Expand(grant.Audience, http),
        ["scope"] = new JsonArray(grant.Scope.Select(s => (JsonNode?)s).ToArray()),
    };
}
