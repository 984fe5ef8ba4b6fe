using System.Security.Cryptography;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Emulator.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>Bad input gets its specific error and changes nothing on the server; what can be refused locally makes no call at all.</summary>
public sealed class BadInputTests
{
    private const string Target = "app-target";
    private const string LimitedClientId = "limited-management";
    private const string LimitedSecret = "limited-management-secret-0123456789abcdef";
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<RotationTenant> StartAsync() => RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient(Target));

    /// <summary>Runs a Start that must fail with <paramref name="errorId"/> and checks that the snapshot did not change; returns the requests it made.</summary>
    private static async Task<(PsCredRotateException Error, IReadOnlyList<RecordedRequest> Requests)> RefusedAsync(RotationTenant tenant, string errorId, RotationStartOptions options, Auth0Connection? connection = null, RequestRecorder? recorder = null)
    {
        RequestRecorder requests = recorder ?? tenant.Requests;
        string before = await tenant.SnapshotTextAsync();
        requests.Clear();

        PsCredRotateException error = await Expect.ErrorAsync(errorId, () => tenant.Rotator(connection: connection).InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None));

        Assert.Equal(before, await tenant.SnapshotTextAsync());
        return (error, requests.Requests);
    }

    [Fact]
    public async Task An_unknown_client_is_ClientNotFound_and_changes_nothing()
    {
        await using RotationTenant tenant = await StartAsync();

        (PsCredRotateException error, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.ClientNotFound, tenant.Start("no-such-client", TestKeys.Take(new HashSet<string>())));

        Assert.DoesNotContain(requests, r => r.IsStep);

        Assert.Contains("no-such-client", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyAlgorithm.ES256)]
    [InlineData(KeyAlgorithm.EdDSA)]
    public async Task An_EC_or_Ed25519_key_is_refused_before_any_call(KeyAlgorithm algorithm)
    {
        await using RotationTenant tenant = await StartAsync();
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm });

        (_, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.CredentialAlgorithmUnsupported, tenant.Start(Target, key));

        Assert.Empty(requests);
    }

    [Fact]
    public async Task A_key_with_an_expired_certificate_is_refused_before_any_call()
    {
        await using RotationTenant tenant = await StartAsync();
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.RS256,
            Certificate = true,
            Now = DateTimeOffset.UtcNow.AddDays(-400),
            ValidFor = TimeSpan.FromDays(30),
        });
        Assert.True(key.NotAfter < DateTimeOffset.UtcNow);
        RotationStartOptions options = tenant.Start(Target, key);
        options.ParseExpiryFromCertificate = true;

        (_, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.CertificateExpired, options);

        Assert.Empty(requests);
    }

    [Fact]
    public async Task An_RSA_1024_key_in_the_KeyPath_file_is_refused_before_any_call()
    {
        await using RotationTenant tenant = await StartAsync();
        string keyPath = tenant.NewKeyPath();
        using (RSA weak = RSA.Create(1024))
        {
            await File.WriteAllTextAsync(keyPath, weak.ExportPkcs8PrivateKeyPem());
        }

        try
        {
            RotationStartOptions options = tenant.Start(Target, generate: true);
            options.KeyPath = keyPath;

            (_, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.RsaKeyTooSmall, options);

            Assert.Empty(requests);
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task An_EC_key_in_the_KeyPath_file_is_refused_before_any_call()
    {
        await using RotationTenant tenant = await StartAsync();
        string keyPath = tenant.NewKeyPath();
        using (ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(keyPath, ec.ExportPkcs8PrivateKeyPem());
        }

        try
        {
            RotationStartOptions options = tenant.Start(Target, generate: true);
            options.KeyPath = keyPath;

            (_, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.CredentialAlgorithmUnsupported, options);

            Assert.Empty(requests);
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task Generating_an_RSA_1024_key_is_refused_before_any_call()
    {
        await using RotationTenant tenant = await StartAsync();
        RotationStartOptions options = tenant.Start(Target, generate: true);
        options.Generate = new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256, KeySize = 1024 };

        (_, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.KeySizeUnsupported, options);

        Assert.Empty(requests);
    }

    [Theory]
    [InlineData("create:client_credentials", "create:client_credentials")]
    [InlineData("update:clients update:client_keys update:client_credentials", "update:clients")]
    public async Task A_management_client_missing_a_scope_gets_InsufficientScope_naming_it_and_changes_nothing(string missing, string named)
    {
        string[] withheld = missing.Split(' ');
        await using RotationTenant tenant = await RotationTenant.StartAsync(s =>
        {
            s.AddPrivateKeyJwtClient(Target);
            s.AddManagementClient(LimitedClientId, LimitedSecret, TenantSeed.ManagementScopes.Where(scope => !withheld.Contains(scope)));
        });
        using var recorder = new RequestRecorder();
        using Auth0Connection limited = await tenant.ConnectAsync(LimitedClientId, LimitedSecret, recorder);

        (PsCredRotateException error, IReadOnlyList<RecordedRequest> requests) = await RefusedAsync(tenant, ErrorIds.InsufficientScope, tenant.Start(Target), limited, recorder);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        if (limited.CredentialProvider is IClientCredentialPermissionCheck)
        {
            // A provider that knows its permissions refuses before the first change.
            Assert.DoesNotContain(requests, r => r.IsManagementWrite && r.Status is >= 200 and < 300);
        }
        await tenant.AssertWorksAsync(Target, tenant[Target].AttachedKeys[0]);
    }
}
