using System.Net;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ClientSecrets;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.ClientSecrets;

/// <summary>Invoke-ClientSecretRotation's Core against the emulator: the secret really changes at once, refusals change nothing.</summary>
public sealed class ClientSecretRotationTests : IDisposable
{
    private const string SecretApp = "app-secret-0001";
    private const string PkjApp = "app-pkj-0001";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pscr-secret-it-" + Guid.NewGuid().ToString("N"));

    public ClientSecretRotationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<RotationTenant> StartAsync(Action<TenantSeedBuilder>? more = null) => RotationTenant.StartAsync(seed =>
    {
        seed.AddSecretClient(SecretApp);
        seed.AddPrivateKeyJwtClient(PkjApp);
        more?.Invoke(seed);
    });

    private static async Task<ClientSecretRotation?> RotateAsync(Auth0Connection connection, string clientId, IRotationHost? host = null, string? outFile = null, bool overwrite = false)
    {
        var log = new CapturingLog();
        host ??= new UnattendedRotationHost(log);
        using (OperationLog.Use(log))
        {
            return await new ClientSecretRotator(connection, host).RotateAsync(clientId, outFile, overwrite, CancellationToken.None);
        }
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(EmulatorServer server, string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["audience"] = TenantSeedBuilder.Api,
        });
        using HttpResponseMessage response = await http.PostAsync(new Uri("oauth/token", UriKind.Relative), form);
        return response.StatusCode;
    }

    private static async Task<string> StoredSecretAsync(RotationTenant tenant, string clientId)
    {
        JsonNode snapshot = await tenant.Server.SnapshotAsync();
        JsonArray clients = snapshot["Clients"]?.AsArray() ?? snapshot["clients"]!.AsArray();
        JsonNode client = clients.Single(c => (string?)(c!["ClientId"] ?? c["client_id"]) == clientId)!;
        return (string)(client["ClientSecret"] ?? client["client_secret"])!;
    }

    private static string Plain(SecureString secret)
    {
        char[] chars = SecureStrings.ToChars(secret);
        try
        {
            return new string(chars);
        }
        finally
        {
            SecureStrings.Clear(chars);
        }
    }

    [Fact]
    public async Task The_old_secret_stops_working_at_once_and_the_returned_one_works()
    {
        await using RotationTenant tenant = await StartAsync();
        string old = tenant[SecretApp].Secret;
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant.Server, SecretApp, old));
        var log = new CapturingLog();

        ClientSecretRotation? rotation;
        using (OperationLog.Use(log))
        {
            rotation = await new ClientSecretRotator(tenant.Connection, new UnattendedRotationHost(log)).RotateAsync(SecretApp, null, false, CancellationToken.None);
        }

        string fresh = Plain(rotation!.ClientSecret!);
        Assert.NotEqual(old, fresh);
        Assert.Equal(fresh, await StoredSecretAsync(tenant, SecretApp));
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(tenant.Server, SecretApp, old));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant.Server, SecretApp, fresh));
        Assert.Equal("Rotation target " + SecretApp, rotation.Name);
        Assert.DoesNotContain(fresh, rotation.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(log.Lines);
        Assert.All(log.Lines, line => Assert.DoesNotContain(fresh, line, StringComparison.Ordinal));
        Assert.Contains(log.Lines, line => line.Contains("no overlap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OutFile_holds_the_working_secret_owner_only()
    {
        await using RotationTenant tenant = await StartAsync();
        string path = Path.Combine(_dir, "secret.txt");

        ClientSecretRotation? rotation = await RotateAsync(tenant.Connection, SecretApp, outFile: path);

        Assert.Null(rotation!.ClientSecret);
        Assert.Equal(path, rotation.OutFile);
        string written = await File.ReadAllTextAsync(path);
        Assert.Equal(await StoredSecretAsync(tenant, SecretApp), written);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant.Server, SecretApp, written));
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_private_key_jwt_client_is_refused_and_nothing_changes()
    {
        await using RotationTenant tenant = await StartAsync();
        string before = await tenant.SnapshotTextAsync();

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => RotateAsync(tenant.Connection, PkjApp));

        Assert.Equal(ErrorIds.ClientUsesPrivateKeyJwt, ex.ErrorId);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
    }

    [Fact]
    public async Task An_existing_OutFile_is_refused_and_nothing_changes()
    {
        await using RotationTenant tenant = await StartAsync();
        string path = Path.Combine(_dir, "secret.txt");
        await File.WriteAllTextAsync(path, "keep");
        string before = await tenant.SnapshotTextAsync();

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => RotateAsync(tenant.Connection, SecretApp, outFile: path));

        Assert.Equal(ErrorIds.SecretFileExists, ex.ErrorId);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.Equal("keep", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task WhatIf_changes_nothing_and_the_old_secret_keeps_working()
    {
        await using RotationTenant tenant = await StartAsync();
        string before = await tenant.SnapshotTextAsync();

        Assert.Null(await RotateAsync(tenant.Connection, SecretApp, new UnattendedRotationHost(whatIf: true)));

        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(tenant.Server, SecretApp, tenant[SecretApp].Secret));
    }

    [Fact]
    public async Task An_unknown_client_is_ClientNotFound_and_nothing_changes()
    {
        await using RotationTenant tenant = await StartAsync();
        string before = await tenant.SnapshotTextAsync();

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => RotateAsync(tenant.Connection, "no-such-client"));

        Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
    }

    [Fact]
    public async Task Without_update_client_keys_it_is_InsufficientScope_and_nothing_changes()
    {
        await using RotationTenant tenant = await StartAsync(seed => seed.AddManagementClient("reader-0001", "reader-secret-0123456789abcdef", new[] { "read:clients", "update:clients" }));
        using Auth0Connection reader = await tenant.ConnectAsync("reader-0001", "reader-secret-0123456789abcdef");
        string before = await tenant.SnapshotTextAsync();

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => RotateAsync(reader, SecretApp));

        Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
        Assert.Contains("update:client_keys", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
    }
}
