using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Dfns;

/// <summary>
/// Dfns key rotation over real HTTP against the in-process emulator: user actions signed and
/// checked for real (ECDSA DER, Ed25519, RSA PKCS#1), the service account seeded with its first
/// key, and the emulator's state read to prove what changed and what did not.
/// </summary>
public sealed class DfnsKeyRotationIntegrationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static RotationKey NewKey(KeyAlgorithm algorithm) =>
        KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm });

    private static DfnsConnection Connect(EmulatorServer server, string token, string credId, RotationKey key) =>
        DfnsConnection.Create(new DfnsConnectionOptions
        {
            BaseUri = server.BaseAddress.ToString(),
            Token = SecureStrings.FromString(token),
            CredentialId = credId,
            Key = key,
            MaxRetries = 0,
        });

    private static JsonNode Credential(JsonArray credentials, string uuid) =>
        credentials.Single(c => (string?)c!["credentialUuid"] == uuid)!;

    [Theory]
    [InlineData(KeyAlgorithm.ES256)]
    [InlineData(KeyAlgorithm.EdDSA)]
    [InlineData(KeyAlgorithm.RS256)]
    public async Task A_full_rotation_leaves_the_old_credential_inactive_and_the_new_key_working(KeyAlgorithm algorithm)
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey oldKey = NewKey(algorithm);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(oldKey.PublicKeyPem, credId: "sa1-first-key");
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, oldKey);
        await connection.ConnectAsync(None);

        DfnsKeyRotationResult result = await new DfnsKeyRotator(connection, new UnattendedRotationHost())
            .InvokeAsync(new DfnsKeyRotationOptions { Algorithm = algorithm, Name = "rotated" }, None);

        Assert.Equal(DfnsKeyRotationStatus.Completed, result.Status);
        Assert.Equal(account.CredentialUuid, result.OldCredentialUuid);
        Assert.Equal(result.NewKey.Kid, result.NewCredId);
        JsonArray credentials = await server.GetCredentialsAsync();
        Assert.Equal(2, credentials.Count);
        Assert.False((bool)Credential(credentials, account.CredentialUuid)["isActive"]!);
        JsonNode created = Credential(credentials, result.NewCredentialUuid!);
        Assert.True((bool)created["isActive"]!);
        Assert.Equal(result.NewKey.Kid, (string?)created["credId"]);
        Assert.Equal("rotated", (string?)created["name"]);

        // The rotated connection signs with the new key, and so does a fresh one.
        Assert.Equal(result.NewCredId, connection.CredentialId);
        Assert.True((await connection.Credentials.TestAsync(result.NewKey, null, None)).Success);
        using DfnsConnection fresh = Connect(server, account.Token, result.NewCredId, result.NewKey);
        await fresh.ConnectAsync(None);
        await fresh.Credentials.ActivateAsync(account.CredentialUuid, None);
        await fresh.Credentials.DeactivateAsync(account.CredentialUuid, None);

        // The old key no longer signs.
        DfnsCredentialTestResult old = await fresh.Credentials.TestAsync(oldKey, account.CredId, None);
        Assert.False(old.Success);
        Assert.Equal(ErrorIds.DfnsCredentialInactive, old.ErrorId);
    }

    [Fact]
    public async Task Neither_the_token_nor_a_private_key_nor_a_user_action_token_reaches_the_log_or_the_result()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey oldKey = NewKey(KeyAlgorithm.ES256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(oldKey.PublicKeyPem);
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, oldKey);
        var host = new RecordingHost();

        DfnsKeyRotationResult result;
        using (PsCredRotate.Core.Diagnostics.OperationLog.Use(host))
        {
            result = await new DfnsKeyRotator(connection, host).InvokeAsync(new DfnsKeyRotationOptions { Algorithm = KeyAlgorithm.EdDSA }, None);
        }

        string everything = string.Join("\n", host.Messages) + "\n" + string.Join("\n", result.Steps) + "\n" + result + "\n" + connection + "\n" + result.NewKey;
        Assert.Contains("DEBUG: ", everything, StringComparison.Ordinal);
        Assert.Contains("x-dfns-useraction: [redacted]", everything, StringComparison.Ordinal);
        Assert.Contains("\"userAction\":\"[redacted]\"", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Token, everything, StringComparison.Ordinal);
        foreach (RotationKey key in new[] { oldKey, result.NewKey })
        {
            string d = (string)JsonNode.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false))!["d"]!;
            Assert.DoesNotContain(d, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_new_key_the_server_refuses_is_rolled_back_and_the_old_credential_still_signs()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey oldKey = NewKey(KeyAlgorithm.ES256);
        using RotationKey newKey = NewKey(KeyAlgorithm.EdDSA);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(oldKey.PublicKeyPem);
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, oldKey);
        await server.SetRefusalsAsync(newKey.Kid);

        PsCredRotateException error = await Expect.ErrorAsync(ErrorIds.DfnsRotationVerificationFailed, () => new DfnsKeyRotator(connection, new UnattendedRotationHost())
            .InvokeAsync(new DfnsKeyRotationOptions { NewKey = newKey }, None));

        Assert.Contains("still active", error.Message, StringComparison.Ordinal);
        JsonArray credentials = await server.GetCredentialsAsync();
        Assert.True((bool)Credential(credentials, account.CredentialUuid)["isActive"]!);
        JsonNode created = credentials.Single(c => (string?)c!["credId"] == newKey.Kid)!;
        Assert.False((bool)created["isActive"]!);
        Assert.Equal(account.CredId, connection.CredentialId);

        // The old credential still signs user actions: a real change signed by it goes through.
        await server.SetRefusalsAsync();
        Assert.True((await connection.Credentials.TestAsync(oldKey, account.CredId, None)).Success);
        await connection.Credentials.ActivateAsync((string)created["credentialUuid"]!, None);
        Assert.True((bool)Credential(await server.GetCredentialsAsync(), (string)created["credentialUuid"]!)["isActive"]!);
    }

    [Fact]
    public async Task A_run_stopped_after_the_add_finishes_when_run_again_with_the_same_key_file()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey oldKey = NewKey(KeyAlgorithm.RS256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(oldKey.PublicKeyPem);
        string dir = Directory.CreateTempSubdirectory("dfns-crash").FullName;
        string keyPath = Path.Combine(dir, "new-key.pem");
        try
        {
            using (DfnsConnection first = Connect(server, account.Token, account.CredId, oldKey))
            using (var stop = new CancellationTokenSource())
            {
                // The process "dies" right after the add: the deploy step never returns.
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DfnsKeyRotator(first, new UnattendedRotationHost()).InvokeAsync(
                    new DfnsKeyRotationOptions
                    {
                        KeyPath = keyPath,
                        Algorithm = KeyAlgorithm.ES256,
                        Deploy = (_, _) =>
                        {
                            stop.Cancel();
                            stop.Token.ThrowIfCancellationRequested();
                            return Task.CompletedTask;
                        },
                    },
                    stop.Token));
            }

            JsonArray midway = await server.GetCredentialsAsync();
            Assert.Equal(2, midway.Count);
            Assert.All(midway, c => Assert.True((bool)c!["isActive"]!));
            Assert.True(File.Exists(keyPath));

            using DfnsConnection second = Connect(server, account.Token, account.CredId, oldKey);
            DfnsKeyRotationResult result = await new DfnsKeyRotator(second, new UnattendedRotationHost())
                .InvokeAsync(new DfnsKeyRotationOptions { KeyPath = keyPath, Algorithm = KeyAlgorithm.ES256 }, None);

            Assert.Equal(DfnsKeyRotationStatus.Completed, result.Status);
            JsonArray after = await server.GetCredentialsAsync();
            Assert.Equal(2, after.Count);
            Assert.False((bool)Credential(after, account.CredentialUuid)["isActive"]!);
            Assert.True((bool)Credential(after, result.NewCredentialUuid!)["isActive"]!);
            Assert.Contains(result.Steps, s => s.Contains("added by an earlier run", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_credential_id_is_DfnsCredentialNotFound_and_nothing_changes()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        string before = (await server.GetStateAsync()).ToJsonString();
        using DfnsConnection connection = Connect(server, account.Token, "no-such-cred", key);

        await Expect.ErrorAsync(ErrorIds.DfnsCredentialNotFound, () => connection.ConnectAsync(None));
        await Expect.ErrorAsync(ErrorIds.DfnsCredentialNotFound, () => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), None));

        Assert.Equal(before, (await server.GetStateAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_wrong_key_for_the_current_credential_is_DfnsCredentialKeyMismatch_and_nothing_changes()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        using RotationKey wrong = NewKey(KeyAlgorithm.ES256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        string before = (await server.GetStateAsync()).ToJsonString();
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, wrong);

        await Expect.ErrorAsync(ErrorIds.DfnsCredentialKeyMismatch, () => connection.ConnectAsync(None));
        await Expect.ErrorAsync(ErrorIds.DfnsCredentialKeyMismatch, () => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), None));

        Assert.Equal(before, (await server.GetStateAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_bad_token_is_DfnsTokenRejected_and_nothing_changes()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.EdDSA);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        string before = (await server.GetStateAsync()).ToJsonString();
        using DfnsConnection connection = Connect(server, "not-the-token", account.CredId, key);

        PsCredRotateException error = await Expect.ErrorAsync(ErrorIds.DfnsTokenRejected, () => connection.ConnectAsync(None));
        await Expect.ErrorAsync(ErrorIds.DfnsTokenRejected, () => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), None));

        Assert.DoesNotContain("not-the-token", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, (await server.GetStateAsync()).ToJsonString());
    }

    [Fact]
    public async Task When_service_accounts_may_not_create_credentials_the_rotation_says_so_and_nothing_changes()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        await server.SetServiceAccountsMayCreateCredentialsAsync(false);
        string before = (await server.GetStateAsync()).ToJsonString();
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, key);

        PsCredRotateException error = await Expect.ErrorAsync(ErrorIds.DfnsCredentialCreationForbidden, () => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), None));

        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await server.GetStateAsync()).ToJsonString());
        Assert.Equal(account.CredId, connection.CredentialId);
    }

    [Fact]
    public async Task Testing_a_key_is_a_real_signed_call_that_changes_nothing()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.RS256);
        using RotationKey stranger = NewKey(KeyAlgorithm.RS256);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, key);
        string before = (await server.GetStateAsync()).ToJsonString();

        DfnsCredentialTestResult works = await connection.Credentials.TestAsync(key, null, None);
        await server.SetRefusalsAsync(account.CredId);
        DfnsCredentialTestResult refused = await connection.Credentials.TestAsync(key, null, None);
        await server.SetRefusalsAsync();
        DfnsCredentialTestResult unknown = await connection.Credentials.TestAsync(stranger, null, None);

        Assert.True(works.Success, works.Reason);
        Assert.False(refused.Success);
        Assert.Equal(ErrorIds.DfnsUserActionRefused, refused.ErrorId);
        Assert.False(unknown.Success);
        Assert.Equal(ErrorIds.DfnsCredentialNotFound, unknown.ErrorId);
        Assert.Equal(before, (await server.GetStateAsync()).ToJsonString());
    }

    [Fact]
    public async Task An_added_credential_can_be_deactivated_and_activated_again()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        using RotationKey second = NewKey(KeyAlgorithm.EdDSA);
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(key.PublicKeyPem);
        using DfnsConnection connection = Connect(server, account.Token, account.CredId, key);

        DfnsCredential added = await connection.Credentials.AddAsync(second, "second", None);
        await connection.Credentials.DeactivateAsync(added.CredentialUuid, None);
        bool afterDeactivate = (bool)Credential(await server.GetCredentialsAsync(), added.CredentialUuid)["isActive"]!;
        await connection.Credentials.ActivateAsync(added.CredentialUuid, None);

        Assert.Equal(second.Kid, added.CredentialId);
        Assert.False(afterDeactivate);
        Assert.True((bool)Credential(await server.GetCredentialsAsync(), added.CredentialUuid)["isActive"]!);
        IReadOnlyList<DfnsCredential> listed = await connection.Credentials.ListAsync(None);
        Assert.Equal(second.Kid, listed.Single(c => c.CredentialUuid == added.CredentialUuid).Kid);
        Assert.True(listed.Single(c => c.CredentialUuid == account.CredentialUuid).IsCurrent);
    }
}
