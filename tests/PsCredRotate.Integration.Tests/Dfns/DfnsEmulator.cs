using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Dfns;

/// <summary>A service account seeded in the emulator: its bearer token and its one Key credential.</summary>
internal sealed record DfnsServiceAccount(string UserId, string Token, string CredentialUuid, string CredId)
{
    public void Deconstruct(out string token, out string credentialUuid, out string credId)
    {
        token = Token;
        credentialUuid = CredentialUuid;
        credId = CredId;
    }

    /// <summary>Never the token.</summary>
    public override string ToString() => $"service account {UserId} (credential {CredentialUuid})";
}

/// <summary>
/// The emulator's Dfns admin area (/_emulator/dfns/) for integration tests. Every in-process
/// <see cref="EmulatorServer"/> runs with Dfns on; its base address is the Dfns API base URI.
/// </summary>
internal static class DfnsEmulator
{
    /// <summary>Creates a service account with one active Key credential for <paramref name="publicKeyPem"/> (SPKI PEM).</summary>
    public static async Task<DfnsServiceAccount> SeedServiceAccountAsync(this EmulatorServer server, string publicKeyPem, string name = "sa1", string? credId = null)
    {
        using HttpResponseMessage response = await server.Admin.PostAsJsonAsync("_emulator/dfns/service-accounts", new { name, publicKey = publicKeyPem, credId });
        await EnsureAsync(response);
        JsonNode body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return new DfnsServiceAccount(
            (string)body["userId"]!,
            (string)body["token"]!,
            (string)body["credentialUuid"]!,
            (string)body["credId"]!);
    }

    /// <summary>User-action signatures by these credIds are refused as if the key were wrong; none clears.</summary>
    public static async Task SetRefusalsAsync(this EmulatorServer server, params string[] credIds)
    {
        using HttpResponseMessage response = await server.Admin.PutAsJsonAsync("_emulator/dfns/refusals", new { credIds });
        await EnsureAsync(response);
    }

    /// <summary>The documented conflict: whether service accounts may call POST /auth/credentials (default true).</summary>
    public static async Task SetServiceAccountsMayCreateCredentialsAsync(this EmulatorServer server, bool allowed)
    {
        using HttpResponseMessage response = await server.Admin.PutAsJsonAsync("_emulator/dfns/settings", new { serviceAccountsMayCreateCredentials = allowed });
        await EnsureAsync(response);
    }

    /// <summary>
    /// GET /_emulator/dfns/state: <c>{serviceAccountsMayCreateCredentials, refusedCredIds, serviceAccounts[],
    /// credentials[{credentialUuid, credId, userId, kind, name, isActive, publicKey, dateCreated}], webhooks[]}</c>
    /// (no tokens, no secrets). Compare <c>ToJsonString()</c> before and after to prove nothing changed.
    /// </summary>
    public static async Task<JsonNode> GetStateAsync(this EmulatorServer server) =>
        (await server.Admin.GetFromJsonAsync<JsonNode>("_emulator/dfns/state"))!;

    /// <summary>The credentials in <see cref="GetStateAsync"/>, for quick asserts.</summary>
    public static async Task<JsonArray> GetCredentialsAsync(this EmulatorServer server) =>
        (await server.GetStateAsync())["credentials"]!.AsArray();

    /// <summary>
    /// Delivers one event to the webhook's url, signed with its secret; returns the receiver's HTTP
    /// status (null when unreachable) and the emulator's error text.
    /// </summary>
    public static async Task<(int? Status, string? Error)> DeliverWebhookEventAsync(this EmulatorServer server, string webhookId, string kind = "wallet.created", JsonObject? data = null)
    {
        using HttpResponseMessage response = await server.Admin.PostAsJsonAsync($"_emulator/dfns/webhooks/{Uri.EscapeDataString(webhookId)}/deliver", new { kind, data = data ?? new JsonObject() });
        await EnsureAsync(response);
        JsonNode body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return ((int?)body["status"], (string?)body["error"]);
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Emulator admin call failed ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }
}
