using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ConnectionKeys;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.ConnectionKeys;

/// <summary>Get/New-ConnectionKey and Invoke-ConnectionKeyRotation's Core against the emulator's sample connections.</summary>
public sealed class ConnectionKeyTests
{
    private const string Oidc = "con_oidcSample00001";
    private const string OktaSecret = "con_oktaSample00001";
    private const string Database = "con_dbSample0000001";

    private static ConnectionKeyManager Manager(Auth0Connection connection, bool whatIf = false) => new(connection, new UnattendedRotationHost(whatIf: whatIf));

    [Fact]
    public async Task Get_lists_current_and_next_with_the_certificate_facts()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);

        IReadOnlyList<ConnectionKey> keys = await Manager(connection).GetAsync(Oidc, CancellationToken.None);

        Assert.Equal(new[] { ConnectionKeyState.Current, ConnectionKeyState.Next }, keys.Select(k => k.State));
        foreach (ConnectionKey key in keys)
        {
            using X509Certificate2 cert = X509Certificate2.CreateFromPem(key.CertificatePem);
            Assert.Equal(Oidc, key.ConnectionId);
            Assert.Equal("RS256", key.Algorithm);
            Assert.Equal(new DateTimeOffset(cert.NotAfter.ToUniversalTime()), key.NotAfter);
            Assert.InRange(key.NotAfter!.Value, DateTimeOffset.UtcNow.AddDays(360), DateTimeOffset.UtcNow.AddDays(370));
            Assert.Equal(Convert.ToHexString(SHA1.HashData(cert.RawData)), key.Thumbprint);
            Assert.Equal(string.Join(":", Enumerable.Range(0, key.Thumbprint!.Length / 2).Select(i => key.Thumbprint.Substring(i * 2, 2))), key.Fingerprint);
            Assert.Equal("/CN=oidc-private-key-jwt", key.SubjectDn);
        }

        Assert.NotNull(keys[0].CurrentSince);
        Assert.Null(keys[1].CurrentSince);
    }

    [Fact]
    public async Task Rotation_makes_next_current_and_current_previous_and_returns_the_new_state()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        IReadOnlyList<ConnectionKey> before = await Manager(connection).GetAsync(Oidc, CancellationToken.None);

        IReadOnlyList<ConnectionKey> after = (await Manager(connection).RotateAsync(Oidc, "PS256", CancellationToken.None))!;

        Assert.Equal(new[] { ConnectionKeyState.Current, ConnectionKeyState.Next, ConnectionKeyState.Previous }, after.Select(k => k.State));
        Assert.Equal(before[1].Kid, after[0].Kid);
        Assert.Equal(before[0].Kid, after[2].Kid);
        Assert.DoesNotContain(after[1].Kid, before.Select(k => k.Kid));
        Assert.Equal("PS256", after[1].Algorithm);
        IReadOnlyList<ConnectionKey> read = await Manager(connection).GetAsync(Oidc, CancellationToken.None);
        Assert.Equal(after.Select(k => (k.Kid, k.State)), read.Select(k => (k.Kid, k.State)));
    }

    [Fact]
    public async Task Rotation_under_WhatIf_changes_nothing()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        string before = await server.SnapshotTextAsync();

        Assert.Null(await Manager(connection, whatIf: true).RotateAsync(Oidc, null, CancellationToken.None));

        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task Provisioning_a_connection_that_has_keys_is_ConnectionKeysExist_and_changes_nothing()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        string before = await server.SnapshotTextAsync();

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => Manager(connection).ProvisionAsync(Oidc, null, CancellationToken.None));

        Assert.Equal(ErrorIds.ConnectionKeysExist, ex.ErrorId);
        Assert.Equal(409, ex.StatusCode);
        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task Provisioning_a_connection_without_keys_creates_current_and_next()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        await RemoveKeysAsync(server, Oidc);
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        Assert.Empty(await Manager(connection).GetAsync(Oidc, CancellationToken.None));
        PsCredRotateException missing = await Assert.ThrowsAsync<PsCredRotateException>(() => Manager(connection).RotateAsync(Oidc, null, CancellationToken.None));
        Assert.Equal(ErrorIds.ConnectionKeysMissing, missing.ErrorId);

        IReadOnlyList<ConnectionKey> keys = (await Manager(connection).ProvisionAsync(Oidc, "RS384", CancellationToken.None))!;

        Assert.Equal(new[] { ConnectionKeyState.Current, ConnectionKeyState.Next }, keys.Select(k => k.State));
        Assert.All(keys, k => Assert.Equal("RS384", k.Algorithm));
        Assert.Equal(keys.Select(k => k.Kid), (await Manager(connection).GetAsync(Oidc, CancellationToken.None)).Select(k => k.Kid));
    }

    [Theory]
    [InlineData(OktaSecret, "ConnectionNotPrivateKeyJwt")]
    [InlineData(Database, "ConnectionKeysUnsupported")]
    [InlineData("con_doesNotExist01", "ConnectionNotFound")]
    public async Task Writes_to_an_unsuitable_connection_are_refused_and_change_nothing(string connectionId, string errorId)
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        string before = await server.SnapshotTextAsync();

        PsCredRotateException rotate = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => Manager(connection).RotateAsync(connectionId, null, CancellationToken.None));
        PsCredRotateException provision = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => Manager(connection).ProvisionAsync(connectionId, null, CancellationToken.None));

        Assert.Equal(errorId, rotate.ErrorId);
        Assert.Equal(errorId, provision.ErrorId);
        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task Get_on_a_database_connection_is_ConnectionKeysUnsupported()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => Manager(connection).GetAsync(Database, CancellationToken.None));

        Assert.Equal(ErrorIds.ConnectionKeysUnsupported, ex.ErrorId);
    }

    /// <summary>Puts the state back without the connection's keys (the emulator provisions keys for every seeded private_key_jwt connection).</summary>
    private static async Task RemoveKeysAsync(EmulatorServer server, string connectionId)
    {
        JsonNode snapshot = await server.SnapshotAsync();
        JsonArray connections = Member(snapshot, "Connections").AsArray();
        JsonNode target = connections.Single(c => (string?)Member(c!, "Id") == connectionId)!;
        target.AsObject()[target.AsObject().Any(p => p.Key == "Keys") ? "Keys" : "keys"] = new JsonArray();
        using HttpResponseMessage response = await server.Admin.PutAsJsonAsync("_emulator/snapshot", snapshot);
        response.EnsureSuccessStatusCode();
    }

    private static JsonNode Member(JsonNode node, string name) =>
        node.AsObject().FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value
        ?? throw new InvalidOperationException($"The snapshot has no '{name}'.");
}
