using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Emulator;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>What the emulator holds for one client, read from its snapshot.</summary>
public sealed record ClientView(
    string ClientId,
    bool UsesPrivateKeyJwt,
    string? TokenEndpointAuthMethod,
    IReadOnlyList<string> AttachedKids,
    IReadOnlyList<string> StoredKids,
    IReadOnlyList<Credential> Credentials)
{
    public IEnumerable<string> DetachedKids => StoredKids.Except(AttachedKids, StringComparer.Ordinal);

    /// <summary>A comparable summary: method, attached kids in order, stored kids sorted (ids and timestamps left out).</summary>
    public string Shape => $"pkjwt={UsesPrivateKeyJwt} method={TokenEndpointAuthMethod ?? "-"} attached=[{string.Join(",", AttachedKids)}] stored=[{string.Join(",", StoredKids.Order(StringComparer.Ordinal))}]";
}

/// <summary>
/// An in-process emulator seeded with rotation targets (<see cref="TenantSeedBuilder"/>), and a
/// connected Core <see cref="Auth0Connection"/> whose HTTP goes through <see cref="Requests"/>.
/// Reads the state through <c>GET /_emulator/snapshot</c> and proves keys with real token requests
/// of its own (not through Core), so the assertions do not trust the code under test.
/// </summary>
public sealed class RotationTenant : IAsyncDisposable
{
    private static readonly JsonSerializerOptions StateJson = new();
    private readonly string _seedPath;

    private RotationTenant(EmulatorServer server, string seedPath, IReadOnlyList<SeededClient> clients)
    {
        Server = server;
        _seedPath = seedPath;
        Clients = clients;
        Requests = new RequestRecorder();
    }

    public EmulatorServer Server { get; }

    public IReadOnlyList<SeededClient> Clients { get; }

    public RequestRecorder Requests { get; }

    /// <summary>The connection as the management client (null until <see cref="StartAsync"/> connected it).</summary>
    public Auth0Connection Connection { get; private set; } = null!;

    public SeededClient this[string clientId] => Clients.Single(c => c.ClientId == clientId);

    /// <summary>Seeds, starts and connects (the connect's own token request is cleared from <see cref="Requests"/>).</summary>
    public static async Task<RotationTenant> StartAsync(Action<TenantSeedBuilder> seed, Action<EmulatorOptions>? configure = null)
    {
        var builder = new TenantSeedBuilder();
        seed(builder);
        string seedPath = Path.Combine(Path.GetTempPath(), "pscredrotate-seed-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(seedPath, builder.Build().ToJsonString());
        EmulatorServer server = await EmulatorServer.StartAsync(o =>
        {
            o.SeedPath = seedPath;
            configure?.Invoke(o);
        });
        var tenant = new RotationTenant(server, seedPath, builder.Clients);
        try
        {
            tenant.Connection = await tenant.ConnectAsync(server.ManagementClientId, server.ManagementClientSecret, tenant.Requests);
        }
        catch
        {
            await tenant.DisposeAsync();
            throw;
        }

        tenant.Requests.Clear();
        return tenant;
    }

    /// <summary>A connection as another management client (for example one missing a scope).</summary>
    public async Task<Auth0Connection> ConnectAsync(string clientId, string secret, HttpMessageHandler? handler = null)
    {
        Auth0Connection connection = Auth0Connection.Create(new Auth0ConnectionOptions
        {
            Domain = "http://" + Server.Domain,
            ClientId = clientId,
            ClientSecret = SecureStrings.FromString(secret),
            Handler = handler,
            Timeout = TimeSpan.FromSeconds(10),
        });
        await connection.ConnectAsync(CancellationToken.None);
        return connection;
    }

    /// <summary>Short waits, so that retries and verification attempts do not dominate the run time.</summary>
    public static RotationSettings FastSettings() => new()
    {
        VerifyAttempts = 2,
        VerifyRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxTransientFailures = 8,
        TransientRetryDelay = TimeSpan.FromMilliseconds(20),
    };

    public ClientCredentialRotator Rotator(IRotationHost? host = null, RotationSettings? settings = null, Auth0Connection? connection = null) =>
        new((connection ?? Connection).CredentialProvider, host ?? new UnattendedRotationHost(), settings ?? FastSettings());

    /// <summary>Start options with the test API as audience and <paramref name="key"/>, else a pool key the client has not held (null <paramref name="key"/> and <paramref name="generate"/>: the engine generates one).</summary>
    public RotationStartOptions Start(string clientId, RotationKey? key = null, bool generate = false) => new(clientId)
    {
        Key = key ?? (generate || !Clients.Any(c => c.ClientId == clientId) ? null : this[clientId].NewKey()),
        Audience = TenantSeedBuilder.Api,
    };

    public async Task<string> SnapshotTextAsync() => await Server.SnapshotTextAsync();

    public async Task<TenantState> StateAsync()
    {
        string text = await Server.Admin.GetStringAsync(new Uri("_emulator/snapshot", UriKind.Relative));
        return JsonSerializer.Deserialize<TenantState>(text, StateJson) ?? throw new InvalidOperationException("Empty snapshot.");
    }

    public async Task<ClientView> ClientAsync(string clientId) => View(await StateAsync(), clientId);

    public static ClientView View(TenantState state, string clientId)
    {
        Client client = state.FindClient(clientId) ?? throw new InvalidOperationException($"No client '{clientId}' in the snapshot.");
        List<string> attachedIds = client.AuthenticationMethods?.GetValueOrDefault(AuthMethods.PrivateKeyJwt) ?? new List<string>();
        var attachedKids = attachedIds.Select(id => client.FindCredential(id)?.Kid ?? "missing:" + id).ToList();
        return new ClientView(
            clientId,
            client.UsesPrivateKeyJwt,
            client.TokenEndpointAuthMethod,
            attachedKids,
            client.Credentials.Select(c => c.Kid ?? c.Id).ToList(),
            client.Credentials.ToList());
    }

    /// <summary>Changes the state directly (PUT /_emulator/snapshot), e.g. to expire a credential.</summary>
    public async Task MutateStateAsync(Action<TenantState> change)
    {
        TenantState state = await StateAsync();
        change(state);
        using var content = new StringContent(JsonSerializer.Serialize(state, StateJson), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Server.Admin.PutAsync(new Uri("_emulator/snapshot", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public async Task RestoreAsync(string snapshotText)
    {
        using var content = new StringContent(snapshotText, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Server.Admin.PutAsync(new Uri("_emulator/snapshot", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>The emulator's token endpoint refuses assertions signed with <paramref name="kid"/> (POST /_emulator/token-refusals).</summary>
    public async Task RefuseKidAsync(string kid)
    {
        using HttpResponseMessage response = await Server.Admin.PostAsJsonAsync(new Uri("_emulator/token-refusals", UriKind.Relative), new { kid });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task ClearRefusalsAsync()
    {
        using HttpResponseMessage response = await Server.Admin.DeleteAsync(new Uri("_emulator/token-refusals", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Replaces the fault rules (PUT /_emulator/faults).</summary>
    public async Task SetFaultsAsync(JsonArray rules)
    {
        using var content = new StringContent(rules.ToJsonString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Server.Admin.PutAsync(new Uri("_emulator/faults", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<JsonArray> FaultsAsync() =>
        (await Server.Admin.GetFromJsonAsync<JsonArray>(new Uri("_emulator/faults", UriKind.Relative)))!;

    /// <summary>
    /// A real token request for <paramref name="clientId"/> with an assertion signed by
    /// <paramref name="key"/> (built here, sent with a plain HttpClient): (true, null) or (false, the OAuth error and description).
    /// </summary>
    public async Task<(bool Success, string? Error)> TokenAsync(string clientId, RotationKey key, HttpClient? http = null)
    {
        ClientAssertion assertion = ClientAssertionFactory.Create(key, clientId, "https://" + Server.Domain + "/");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion.RevealCompactSerialization(),
            ["audience"] = TenantSeedBuilder.Api,
        });
        using HttpResponseMessage response = await (http ?? Server.Admin).PostAsync(new Uri(Server.BaseAddress, "oauth/token"), form);
        if (response.IsSuccessStatusCode)
        {
            return (true, null);
        }

        JsonNode? body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (false, $"{(int)response.StatusCode} {body?["error"]} {body?["error_description"]}");
    }

    /// <summary>A real token request with the client's secret (client_secret_post): true when a token was issued.</summary>
    public async Task<bool> SecretWorksAsync(string clientId, string secret)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["audience"] = TenantSeedBuilder.Api,
        });
        using HttpResponseMessage response = await Server.Admin.PostAsync(new Uri(Server.BaseAddress, "oauth/token"), form);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Asserts that <paramref name="key"/> gets a real token for the client.</summary>
    public async Task AssertWorksAsync(string clientId, RotationKey key)
    {
        (bool success, string? error) = await TokenAsync(clientId, key);
        Assert.True(success, $"A token for client '{clientId}' with kid {key.Kid} was refused: {error}");
    }

    public string NewKeyPath() => Path.Combine(Path.GetTempPath(), "pscredrotate-key-" + Guid.NewGuid().ToString("N") + ".pem");

    public async ValueTask DisposeAsync()
    {
        Connection?.Dispose();
        Requests.Dispose();
        await Server.DisposeAsync();
        File.Delete(_seedPath);
        foreach (SeededClient client in Clients)
        {
            foreach (RotationKey key in client.AttachedKeys.Concat(client.DetachedKeys))
            {
                key.Dispose();
            }
        }
    }
}

/// <summary>Assertions about a <see cref="PsCredRotateException"/>: the exact ErrorId.</summary>
public static class Expect
{
    public static async Task<PsCredRotateException> ErrorAsync(string errorId, Func<Task> action)
    {
        PsCredRotateException ex = await Assert.ThrowsAnyAsync<PsCredRotateException>(action);
        Assert.True(errorId == ex.ErrorId, $"Expected ErrorId {errorId} but got {ex.ErrorId}: {ex.Message}");
        return ex;
    }
}
