using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Endpoints;

/// <summary>/api/v2/clients/{client_id}/credentials: list (bare array), create, get, patch expires_at, delete.</summary>
public static class CredentialEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        // The list ignores paging: the SDKs send include_totals/per_page and get a bare array.
        api.MapGet("/clients/{clientId}/credentials", (string clientId, TenantContext tenant) =>
        {
            JsonArray? list = tenant.Store.Read(s => s.FindClient(clientId) is { } c
                ? new JsonArray(c.Credentials.Select(x => (JsonNode?)CredentialRules.Render(x, nullExpiry: true)).ToArray())
                : null);
            return list is null ? ApiError.ClientNotFound().ToResult() : ApiResults.Json(list);
        }).AnyScope("read:client_credentials");

        api.MapPost("/clients/{clientId}/credentials", async (string clientId, HttpContext http, TenantContext tenant) =>
        {
            JsonObject body = await ApiResults.ReadBodyAsync(http.Request).ConfigureAwait(false);
            // Key parsing runs outside the state lock; only the pool checks run under it.
            bool clientExists = tenant.Store.Read(s => s.FindClient(clientId) is not null);
            if (!clientExists)
            {
                throw ApiError.ClientNotFound();
            }

            Credential parsed = CredentialRules.Parse(body, tenant.Now);
            JsonObject created = tenant.Store.Write(s =>
            {
                Client client = s.FindClient(clientId) ?? throw ApiError.ClientNotFound();
                Credential credential = CredentialRules.Admit(parsed, client);
                client.Credentials.Add(credential);
                return CredentialRules.Render(credential, nullExpiry: false);
            });
            return ApiResults.Json(created, 201);
        }).AnyScope("create:client_credentials");

        api.MapGet("/clients/{clientId}/credentials/{credentialId}", (string clientId, string credentialId, TenantContext tenant) =>
            tenant.Store.Read(s =>
            {
                Client? client = s.FindClient(clientId);
                if (client is null)
                {
                    return ApiError.ClientNotFound().ToResult();
                }

                Credential? credential = client.FindCredential(credentialId);
                return credential is null ? CredentialNotFound().ToResult() : ApiResults.Json(CredentialRules.Render(credential, nullExpiry: true));
            })).AnyScope("read:client_credentials");

        api.MapPatch("/clients/{clientId}/credentials/{credentialId}", async (string clientId, string credentialId, HttpContext http, TenantContext tenant) =>
        {
            JsonObject body = await ApiResults.ReadBodyAsync(http.Request).ConfigureAwait(false);
            ApiResults.RejectUnknown(body, CredentialRules.PatchFields);
            DateTimeOffset? expiresAt = CredentialRules.ParseExpiresAt(body);
            bool hasExpiry = body.ContainsKey("expires_at");
            DateTimeOffset now = tenant.Now;
            JsonObject updated = tenant.Store.Write(s =>
            {
                Client client = s.FindClient(clientId) ?? throw ApiError.ClientNotFound();
                Credential credential = client.FindCredential(credentialId) ?? throw CredentialNotFound();
                if (hasExpiry)
                {
                    credential.ExpiresAt = expiresAt;
                }

                credential.UpdatedAt = now;
                return CredentialRules.Render(credential, nullExpiry: true);
            });
            return ApiResults.Json(updated);
        }).AnyScope("update:client_credentials");

        // 204 also when the credential is already gone (recorded); 404 only for an unknown client.
        api.MapDelete("/clients/{clientId}/credentials/{credentialId}", (string clientId, string credentialId, TenantContext tenant) =>
        {
            tenant.Store.Write(s =>
            {
                Client client = s.FindClient(clientId) ?? throw ApiError.ClientNotFound();
                if (client.IsAttached(credentialId))
                {
                    throw new ApiError(400, Auth0Messages.CredentialStillAttached);
                }

                client.Credentials.RemoveAll(c => c.Id == credentialId);
                return 0;
            });
            return Results.NoContent();
        }).AnyScope("delete:client_credentials");
    }

    private static ApiError CredentialNotFound() => new(404, Auth0Messages.CredentialNotFound, "inexistent_credential");
}
