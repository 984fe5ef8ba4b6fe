using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.ClientSecrets;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Tests.Auth0;
using PsCredRotate.Core.Tests.Http;
using PsCredRotate.Core.Tests.Rotation;

namespace PsCredRotate.Core.Tests.ClientSecrets;

public sealed class ClientSecretRotatorTests : IDisposable
{
    private const string NewSecret = "n3w-S3cret-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
    private const string SecretClient = "{\"client_id\":\"app1\",\"name\":\"Billing worker\",\"app_type\":\"non_interactive\",\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"client_secret_post\"}";
    private const string PkjClient = "{\"client_id\":\"app1\",\"name\":\"Billing worker\",\"app_type\":\"non_interactive\",\"grant_types\":[\"client_credentials\"],"
        + "\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[{\"id\":\"cred_A\"}]}}}";

    private const string Get = "GET /api/v2/clients/app1?fields=client_id%2Cname%2Capp_type%2Cgrant_types%2Ctoken_endpoint_auth_method%2Cclient_authentication_methods&include_fields=true";
    private const string Rotate = "POST /api/v2/clients/app1/rotate-secret";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pscr-secret-" + Guid.NewGuid().ToString("N"));

    public ClientSecretRotatorTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static FakeTenant Tenant(string client = SecretClient, string? rotated = null) => new(r =>
        FakeTenant.Is(r, "GET", "/api/v2/clients/app1") ? FakeTenant.Ok(client)
        : FakeTenant.Is(r, "POST", "/api/v2/clients/app1/rotate-secret") ? FakeTenant.Ok(rotated ?? "{\"client_id\":\"app1\",\"name\":\"Billing worker\",\"client_secret\":\"" + NewSecret + "\",\"token_endpoint_auth_method\":\"client_secret_post\"}")
        : null);

    private static async Task<ClientSecretRotation?> RunAsync(FakeTenant tenant, RecordingHost host, string? outFile = null, bool overwrite = false)
    {
        using (OperationLog.Use(host))
        {
            return await new ClientSecretRotator(tenant.Connection, host).RotateAsync("app1", outFile, overwrite, CancellationToken.None);
        }
    }

    private static string Plain(System.Security.SecureString secret)
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
    public async Task A_secret_client_is_read_then_rotated_once_and_the_secret_comes_back_only_as_a_SecureString()
    {
        using FakeTenant tenant = Tenant();
        var host = new RecordingHost();

        ClientSecretRotation? rotation = await RunAsync(tenant, host);

        Assert.NotNull(rotation);
        Assert.Equal(new[] { Get, Rotate }, tenant.ApiCalls);
        Assert.Equal(NewSecret, Plain(rotation!.ClientSecret!));
        Assert.Equal("app1", rotation.ClientId);
        Assert.Equal("Billing worker", rotation.Name);
        Assert.Equal(FakeTenant.Domain, rotation.Tenant);
        Assert.Equal(tenant.Now, rotation.RotatedAt);
        Assert.Null(rotation.OutFile);
        Assert.DoesNotContain(NewSecret, rotation.ToString(), StringComparison.Ordinal);
        Assert.All(host.Log, line => Assert.DoesNotContain(NewSecret, line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_warning_and_the_confirmation_say_there_is_no_overlap_and_name_the_private_key_jwt_path()
    {
        using FakeTenant tenant = Tenant();
        var host = new RecordingHost();

        await RunAsync(tenant, host);

        (string target, string action) = Assert.Single(host.Processed);
        Assert.Contains("app1", target, StringComparison.Ordinal);
        foreach (string text in new[] { action, host.Log.First(l => l.Contains("no overlap", StringComparison.Ordinal)) })
        {
            Assert.Contains("at once", text, StringComparison.Ordinal);
            Assert.Contains("no overlap", text, StringComparison.Ordinal);
            Assert.Contains("private_key_jwt", text, StringComparison.Ordinal);
            Assert.Contains("Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_private_key_jwt_client_is_refused_after_the_read_without_asking_or_rotating()
    {
        using FakeTenant tenant = Tenant(PkjClient);
        var host = new RecordingHost();

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => RunAsync(tenant, host));

        Assert.Equal(ErrorIds.ClientUsesPrivateKeyJwt, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidOperation, ex.Kind);
        Assert.Equal("app1", ex.Target);
        Assert.Equal(new[] { Get }, tenant.ApiCalls);
        Assert.Empty(host.Processed);
    }

    [Fact]
    public async Task Under_WhatIf_or_a_declined_confirmation_nothing_is_rotated()
    {
        using FakeTenant whatIf = Tenant();
        Assert.Null(await RunAsync(whatIf, new RecordingHost { WhatIf = true }));
        Assert.Equal(new[] { Get }, whatIf.ApiCalls);

        using FakeTenant declined = Tenant();
        var host = new RecordingHost { Answer = (_, _) => false };
        Assert.Null(await RunAsync(declined, host));
        Assert.Equal(new[] { Get }, declined.ApiCalls);
        Assert.Single(host.Processed);
    }

    [Fact]
    public async Task An_unknown_client_is_ClientNotFound_without_a_rotation()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/clients/app1") ? FakeHandler.Auth0Error(404, "The client does not exist", "inexistent_client") : null);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => RunAsync(tenant, new RecordingHost()));

        Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
        Assert.Equal(new[] { Get }, tenant.ApiCalls);
    }

    [Fact]
    public async Task An_answer_without_a_client_secret_is_ApiResponseInvalid()
    {
        using FakeTenant tenant = Tenant(rotated: "{\"client_id\":\"app1\"}");

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => RunAsync(tenant, new RecordingHost()));

        Assert.Equal(ErrorIds.ApiResponseInvalid, ex.ErrorId);
    }

    [Fact]
    public async Task The_rotate_call_is_not_retried_after_a_server_error()
    {
        int posts = 0;
        using var tenant = new FakeTenant(r =>
        {
            if (FakeTenant.Is(r, "GET", "/api/v2/clients/app1"))
            {
                return FakeTenant.Ok(SecretClient);
            }

            Interlocked.Increment(ref posts);
            return FakeHandler.Auth0Error(503, "Service Unavailable");
        });

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => RunAsync(tenant, new RecordingHost()));

        Assert.Equal(ErrorIds.ApiServerError, ex.ErrorId);
        Assert.Equal(1, posts);
    }

    [Fact]
    public async Task OutFile_gets_the_secret_in_a_new_owner_only_file_and_the_result_holds_no_secret()
    {
        using FakeTenant tenant = Tenant();
        string path = Path.Combine(_dir, "app1.secret");

        ClientSecretRotation? rotation = await RunAsync(tenant, new RecordingHost(), path);

        Assert.Null(rotation!.ClientSecret);
        Assert.Equal(Path.GetFullPath(path), rotation.OutFile);
        Assert.Equal(NewSecret, File.ReadAllText(path));
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task An_existing_OutFile_is_refused_before_any_call_and_left_unchanged()
    {
        using FakeTenant tenant = Tenant();
        string path = Path.Combine(_dir, "app1.secret");
        File.WriteAllText(path, "keep me");

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => RunAsync(tenant, new RecordingHost(), path));

        Assert.Equal(ErrorIds.SecretFileExists, ex.ErrorId);
        Assert.Empty(tenant.ApiCalls);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public async Task An_existing_OutFile_is_replaced_with_overwrite()
    {
        using FakeTenant tenant = Tenant();
        string path = Path.Combine(_dir, "app1.secret");
        File.WriteAllText(path, "old");

        await RunAsync(tenant, new RecordingHost(), path, overwrite: true);

        Assert.Equal(NewSecret, File.ReadAllText(path));
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("missing-dir/app1.secret")]
    [InlineData("")]
    [InlineData(".")]
    public async Task A_bad_OutFile_is_SecretFilePathInvalid_before_any_call(string relative)
    {
        using FakeTenant tenant = Tenant();
        string path = relative.Length == 0 ? " " : Path.Combine(_dir, relative);

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => RunAsync(tenant, new RecordingHost(), path));

        Assert.Equal(ErrorIds.SecretFilePathInvalid, ex.ErrorId);
        Assert.Empty(tenant.ApiCalls);
    }

    [Fact]
    public async Task When_the_file_fails_after_the_rotation_the_secret_is_not_lost()
    {
        using FakeTenant tenant = Tenant();
        string sub = Path.Combine(_dir, "gone");
        Directory.CreateDirectory(sub);
        string path = Path.Combine(sub, "app1.secret");
        var host = new RecordingHost { Answer = (_, _) => { Directory.Delete(sub); return true; } };

        ClientSecretFileException ex = await Assert.ThrowsAsync<ClientSecretFileException>(() => RunAsync(tenant, host, path));

        Assert.Equal(ErrorIds.SecretFileWriteFailed, ex.ErrorId);
        Assert.Equal(new[] { Get, Rotate }, tenant.ApiCalls);
        Assert.Equal(NewSecret, Plain(ex.Rotation.ClientSecret!));
        Assert.Null(ex.Rotation.OutFile);
        Assert.DoesNotContain(NewSecret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(NewSecret, ex.ToString(), StringComparison.Ordinal);
    }
}
