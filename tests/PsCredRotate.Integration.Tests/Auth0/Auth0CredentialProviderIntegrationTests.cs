using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Auth0;

public sealed class Auth0CredentialProviderIntegrationTests
{
    private const string Client = Auth0Emulator.SampleClientId;

    [Fact]
    public async Task Credentials_are_added_attached_verified_detached_and_deleted_through_the_provider()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        IClientCredentialProvider provider = connection.CredentialProvider;
        using RotationKey first = Auth0Emulator.NewKey("first");
        using RotationKey second = Auth0Emulator.NewKey("second");

        ClientCredentialState initial = await provider.ReadAsync(Client, CancellationToken.None);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, initial.AuthenticationMethod);
        Assert.Empty(initial.Credentials);

        ClientCredential one = await provider.AddAsync(Client, new NewClientCredential(first), CancellationToken.None);
        Assert.Equal(first.Kid, one.Kid);
        Assert.Equal("first", one.Name);
        Assert.False(one.Attached);

        // Not attached yet: the token endpoint refuses the key (a result, not an exception).
        ClientCredentialTestResult refused = await provider.TestAsync(Client, first, null, CancellationToken.None);
        Assert.False(refused.Success);
        Assert.Equal(401, refused.StatusCode);

        Assert.Equal(new[] { one.Id }, await provider.SetAttachedAsync(Client, new[] { one.Id }, CancellationToken.None));
        ClientCredentialTestResult works = await provider.TestAsync(Client, first, null, CancellationToken.None);
        Assert.True(works.Success, works.ToString());
        Assert.Equal(Auth0Emulator.SampleApi, works.Audience);

        ClientCredential two = await provider.AddAsync(Client, new NewClientCredential(second) { ExpiresAt = DateTimeOffset.UtcNow.AddDays(30) }, CancellationToken.None);
        Assert.Equal(new[] { one.Id, two.Id }, await provider.SetAttachedAsync(Client, new[] { one.Id, two.Id }, CancellationToken.None));
        Assert.True((await provider.TestAsync(Client, second, Auth0Emulator.SampleApi, CancellationToken.None)).Success);
        Assert.Equal(new[] { two.Id }, await provider.SetAttachedAsync(Client, new[] { two.Id }, CancellationToken.None));
        await provider.DeleteAsync(Client, one.Id, CancellationToken.None);
        await provider.DeleteAsync(Client, one.Id, CancellationToken.None);

        ClientCredential extended = await provider.SetExpiryAsync(Client, two.Id, null, CancellationToken.None);
        Assert.Null(extended.ExpiresAt);

        ClientCredentialState after = await provider.ReadAsync(Client, CancellationToken.None);
        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, after.AuthenticationMethod);
        Assert.Equal(new[] { two.Id }, after.AttachedIds);
        ClientCredential remaining = Assert.Single(after.Credentials);
        Assert.Equal(second.Kid, remaining.Kid);
        Assert.True(remaining.Attached);
        Assert.Null(remaining.ExpiresAt);
        Assert.False((await provider.TestAsync(Client, first, null, CancellationToken.None)).Success);

        await provider.RestoreAuthenticationMethodAsync(Client, ClientAuthenticationMethod.ClientSecretPost, CancellationToken.None);
        ClientCredentialState restored = await provider.ReadAsync(Client, CancellationToken.None);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, restored.AuthenticationMethod);
        Assert.Empty(restored.AttachedIds);
    }

    [Fact]
    public async Task The_same_key_twice_is_CredentialExists_naming_the_kid_and_the_pool_is_unchanged()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        using RotationKey key = Auth0Emulator.NewKey("dup");
        await connection.CredentialProvider.AddAsync(Client, new NewClientCredential(key), CancellationToken.None);
        string before = await server.SnapshotTextAsync();

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.AddAsync(Client, new NewClientCredential(key), CancellationToken.None));

        Assert.Equal(ErrorIds.CredentialExists, ex.ErrorId);
        Assert.Equal(key.Kid, ex.Target);
        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task An_unknown_client_is_ClientNotFound()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        using RotationKey key = Auth0Emulator.NewKey("k");

        ApiException read = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.ReadAsync("no-such-client", CancellationToken.None));
        ApiException add = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.AddAsync("no-such-client", new NewClientCredential(key), CancellationToken.None));
        ApiException attach = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.SetAttachedAsync("no-such-client", new[] { "cred_x" }, CancellationToken.None));

        Assert.All(new[] { read, add, attach }, ex =>
        {
            Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
            Assert.Equal("no-such-client", ex.Target);
            Assert.Equal(404, ex.StatusCode);
        });
    }

    [Fact]
    public async Task Deleting_an_attached_credential_is_refused_by_the_server_and_changes_nothing()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        using RotationKey key = Auth0Emulator.NewKey("attached");
        ClientCredential credential = await connection.CredentialProvider.AddAsync(Client, new NewClientCredential(key), CancellationToken.None);
        await connection.CredentialProvider.SetAttachedAsync(Client, new[] { credential.Id }, CancellationToken.None);
        string before = await server.SnapshotTextAsync();

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => connection.CredentialProvider.DeleteAsync(Client, credential.Id, CancellationToken.None));

        Assert.Equal(ErrorIds.ApiBadRequest, ex.ErrorId);
        Assert.Equal("Cannot delete credential still associated with a client", ex.ProviderMessage);
        Assert.Equal(before, await server.SnapshotTextAsync());
    }

    [Fact]
    public async Task A_client_without_grants_cannot_be_tested_without_an_audience()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        using RotationKey key = Auth0Emulator.NewKey("k");
        Auth0Client self = await connection.Management.GetClientAsync(server.ManagementClientId, CancellationToken.None);
        Assert.NotNull(self);

        IReadOnlyList<string> grants = await connection.Management.ListGrantAudiencesAsync("client-without-grants", CancellationToken.None);
        Assert.Empty(grants);
        PsCredRotateException ex = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => connection.CredentialProvider.TestAsync("client-without-grants", key, null, CancellationToken.None));
        Assert.Equal(ErrorIds.VerificationAudienceRequired, ex.ErrorId);
    }

    [Fact]
    public async Task A_provider_step_is_exactly_the_calls_its_contract_names()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        using RotationKey key = Auth0Emulator.NewKey("count");
        var log = new CapturingLog();
        using (OperationLog.Use(log))
        {
            await connection.CredentialProvider.ReadAsync(Client, CancellationToken.None);
            ClientCredential c = await connection.CredentialProvider.AddAsync(Client, new NewClientCredential(key), CancellationToken.None);
            await connection.CredentialProvider.SetAttachedAsync(Client, new[] { c.Id }, CancellationToken.None);
            await connection.CredentialProvider.TestAsync(Client, key, Auth0Emulator.SampleApi, CancellationToken.None);
        }

        Assert.Equal(
            new[]
            {
                "GET /api/v2/clients/emulator-sample-m2m → 200",
                "GET /api/v2/clients/emulator-sample-m2m/credentials → 200",
                "POST /api/v2/clients/emulator-sample-m2m/credentials → 201",
                "PATCH /api/v2/clients/emulator-sample-m2m → 200",
                "POST /oauth/token → 200",
            },
            log.Calls.Select(l => l.Substring(0, l.IndexOf(" in ", StringComparison.Ordinal))));
    }
}
