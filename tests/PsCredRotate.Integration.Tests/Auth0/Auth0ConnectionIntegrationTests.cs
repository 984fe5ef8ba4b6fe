using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Auth0;

public sealed class Auth0ConnectionIntegrationTests
{
    [Fact]
    public async Task Connecting_with_the_management_secret_gets_a_token_with_the_management_scopes()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();

        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);

        Assert.Equal(server.Domain, connection.Domain);
        Assert.Contains("read:client_credentials", connection.Scopes);
        Assert.Contains("update:client_credentials", connection.Scopes);
        Assert.InRange(connection.TokenExpiresAt!.Value, DateTimeOffset.UtcNow.AddSeconds(86000), DateTimeOffset.UtcNow.AddSeconds(86500));
        Auth0Client self = await connection.Management.GetClientAsync(server.ManagementClientId, CancellationToken.None);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, self.AuthenticationMethod);
    }

    [Fact]
    public async Task A_wrong_secret_is_AuthenticationFailed_and_changes_nothing()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        string before = await server.SnapshotTextAsync();
        using Auth0Connection connection = Auth0Connection.Create(Auth0Emulator.SecretOptions(server, secret: "not-the-secret"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("access_denied", ex.ProviderErrorCode);
        Assert.DoesNotContain("not-the-secret", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task The_management_client_can_move_to_private_key_jwt_and_connect_with_its_key()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = Auth0Emulator.NewKey("management key");
        using (Auth0Connection bySecret = await Auth0Emulator.ConnectAsync(server))
        {
            ClientCredential credential = await bySecret.CredentialProvider.AddAsync(server.ManagementClientId, new NewClientCredential(key), CancellationToken.None);
            IReadOnlyList<string> attached = await bySecret.CredentialProvider.SetAttachedAsync(server.ManagementClientId, new[] { credential.Id }, CancellationToken.None);
            Assert.Equal(new[] { credential.Id }, attached);
        }

        using Auth0Connection byKey = Auth0Connection.Create(new Auth0ConnectionOptions { Domain = "http://" + server.Domain, ClientId = server.ManagementClientId, Key = key });
        await byKey.ConnectAsync(CancellationToken.None);

        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, byKey.AuthenticationMethod);
        ClientCredentialState state = await byKey.CredentialProvider.ReadAsync(server.ManagementClientId, CancellationToken.None);
        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, state.AuthenticationMethod);
        Assert.Equal(key.Kid, Assert.Single(state.Attached).Kid);

        // The secret no longer works once the client uses private_key_jwt.
        using Auth0Connection bySecretAgain = Auth0Connection.Create(Auth0Emulator.SecretOptions(server));
        Assert.Equal(ErrorIds.AuthenticationFailed, (await Assert.ThrowsAsync<ApiException>(() => bySecretAgain.ConnectAsync(CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task Listing_clients_reads_every_page()
    {
        var clients = new JsonArray();
        for (int i = 0; i < 130; i++)
        {
            clients.Add(new JsonObject
            {
                ["client_id"] = "bulk-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture),
                ["name"] = (i % 10 == 0 ? "Batch " : "Worker ") + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["app_type"] = i % 2 == 0 ? "non_interactive" : "regular_web",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
            });
        }

        string seed = Auth0Emulator.WriteSeed(new JsonObject { ["clients"] = clients });
        try
        {
            await using EmulatorServer server = await EmulatorServer.StartAsync(o => o.SeedPath = seed);
            using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
            var log = new CapturingLog();
            IReadOnlyList<Auth0Client> all;
            IReadOnlyList<Auth0Client> batches;
            using (OperationLog.Use(log))
            {
                all = await connection.Management.ListClientsAsync(null, null, CancellationToken.None);
                batches = await connection.Management.ListClientsAsync(new Auth0ClientQuery { NamePattern = "batch*", AppTypes = new[] { "non_interactive" } }, null, CancellationToken.None);
            }

            Assert.Equal(131, all.Count);
            Assert.Equal(131, all.Select(c => c.ClientId).Distinct().Count());
            Assert.Equal(13, batches.Count);
            Assert.All(batches, c => Assert.Equal("non_interactive", c.AppType));
            Assert.Equal(3, log.Calls.Count(l => l.StartsWith("GET /api/v2/clients → 200", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(seed);
        }
    }

    [Fact]
    public async Task A_token_missing_a_scope_is_InsufficientScope_naming_it()
    {
        string seed = Auth0Emulator.WriteSeed(new JsonObject
        {
            ["clients"] = new JsonArray(new JsonObject
            {
                ["client_id"] = "narrow",
                ["client_secret"] = "narrow-secret",
                ["name"] = "Narrow",
                ["app_type"] = "non_interactive",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
            }),
            ["client_grants"] = new JsonArray(new JsonObject { ["client_id"] = "narrow", ["audience"] = "{tenant}/api/v2/", ["scope"] = new JsonArray("read:clients") }),
        });
        try
        {
            await using EmulatorServer server = await EmulatorServer.StartAsync(o => o.SeedPath = seed);
            using Auth0Connection connection = Auth0Connection.Create(Auth0Emulator.SecretOptions(server, "narrow", "narrow-secret"));
            await connection.ConnectAsync(CancellationToken.None);
            Assert.Equal(new[] { "read:clients" }, connection.Scopes);

            ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.ReadAsync("narrow", CancellationToken.None));

            Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
            Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
            Assert.Equal("read:client_credentials", ex.Target);
            Assert.Contains("'read:client_credentials'", ex.Message, StringComparison.Ordinal);
            Assert.Equal("/api/v2/clients/narrow/credentials", ex.Path);
        }
        finally
        {
            File.Delete(seed);
        }
    }

    [Fact]
    public async Task The_token_is_renewed_before_it_expires_on_the_emulators_clock()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        TimeSpan offset = TimeSpan.Zero;
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o => o.Clock = () => DateTimeOffset.UtcNow + offset);
        DateTimeOffset first = connection.TokenExpiresAt!.Value;
        await connection.CredentialProvider.ReadAsync(Auth0Emulator.SampleClientId, CancellationToken.None);

        // Both clocks move to two minutes before expiry: the connection renews first, the call works.
        TimeSpan jump = TimeSpan.FromSeconds(86400 - 120);
        await Auth0Emulator.AdvanceClockAsync(server, jump);
        offset = jump;
        var log = new CapturingLog();
        using (OperationLog.Use(log))
        {
            await connection.CredentialProvider.ReadAsync(Auth0Emulator.SampleClientId, CancellationToken.None);
        }

        Assert.True(connection.TokenExpiresAt > first.AddSeconds(86000));
        Assert.Contains(log.Lines, l => l.StartsWith("Renewed the Management API token", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Calls, l => l.Contains("→ 401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_the_server_already_considers_expired_is_replaced_and_the_call_succeeds()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        DateTimeOffset first = connection.TokenExpiresAt!.Value;

        // Only the emulator's clock moves past the expiry: the connection learns it from the 401.
        await Auth0Emulator.AdvanceClockAsync(server, TimeSpan.FromSeconds(86400 + 60));
        ClientCredentialState state = await connection.CredentialProvider.ReadAsync(Auth0Emulator.SampleClientId, CancellationToken.None);

        Assert.Equal(Auth0Emulator.SampleClientId, state.ClientId);
        Assert.NotEqual(first, connection.TokenExpiresAt);
    }

    [Fact]
    public async Task A_tenant_nobody_listens_on_is_ApiUnreachable()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        using Auth0Connection connection = Auth0Connection.Create(new Auth0ConnectionOptions
        {
            Domain = "http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ClientId = "c",
            ClientSecret = SecureStrings.FromString("s"),
            MaxRetries = 0,
        });

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.ApiUnreachable, ex.ErrorId);
        Assert.Null(ex.StatusCode);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public async Task An_answer_slower_than_the_timeout_is_ApiTimeout()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o =>
        {
            o.Timeout = TimeSpan.FromSeconds(3);
            o.MaxRetries = 0;
        });
        await Auth0Emulator.PutFaultsAsync(server, "[{\"match\":\"GET /api/v2/clients/*\",\"kind\":\"latency\",\"latencyMs\":15000}]");

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.Management.GetClientAsync(Auth0Emulator.SampleClientId, CancellationToken.None));

        Assert.Equal(ErrorIds.ApiTimeout, ex.ErrorId);
        Assert.Equal("/api/v2/clients/" + Auth0Emulator.SampleClientId, ex.Path);
    }

    [Fact]
    public async Task A_server_error_on_a_read_is_retried_and_the_read_succeeds()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o => o.MaxRetries = 2);
        await Auth0Emulator.PutFaultsAsync(server, "[{\"match\":\"GET /api/v2/clients/*\",\"kind\":\"status503\",\"count\":1}]");

        Auth0Client client = await connection.Management.GetClientAsync(Auth0Emulator.SampleClientId, CancellationToken.None);

        Assert.Equal(Auth0Emulator.SampleClientId, client.ClientId);
    }

    [Fact]
    public async Task MaxRequestsPerSecond_spaces_the_calls()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o => o.MaxRequestsPerSecond = 5);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => connection.Management.GetClientAsync(Auth0Emulator.SampleClientId, CancellationToken.None)));

        // 11 calls at most 5 per second: the last starts at least 2 s after the first.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), watch.Elapsed.ToString());
    }
}
