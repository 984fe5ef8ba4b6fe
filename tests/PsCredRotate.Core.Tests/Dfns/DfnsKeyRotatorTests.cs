using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Dfns;

public sealed class DfnsKeyRotatorTests
{
    [Theory]
    [MemberData(nameof(DfnsTestKeys.Algorithms), MemberType = typeof(DfnsTestKeys))]
    public async Task A_rotation_adds_verifies_and_deactivates_the_old_credential_and_the_connection_signs_with_the_new_key(KeyAlgorithm algorithm)
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");
        var progress = new List<string>();

        DfnsKeyRotationResult result = await new DfnsKeyRotator(connection, new UnattendedRotationHost())
            .InvokeAsync(new DfnsKeyRotationOptions { Algorithm = algorithm, Progress = new SyncProgress(p => progress.Add(p.Status)) }, CancellationToken.None);

        Assert.Equal(DfnsKeyRotationStatus.Completed, result.Status);
        Assert.Equal(algorithm, result.Algorithm);
        Assert.Equal(old.Uuid, result.OldCredentialUuid);
        Assert.False(old.IsActive);
        FakeDfns.Credential created = dfns.Credentials.Single(c => c.Uuid == result.NewCredentialUuid);
        Assert.True(created.IsActive);
        Assert.Equal(result.NewKey.Kid, created.CredId);
        Assert.Equal(created.CredId, connection.CredentialId);
        Assert.Equal(created.Uuid, connection.CredentialUuid);
        Assert.Contains("Done", progress);

        var action = dfns.Handler.Requests.Where(r => r.Uri.AbsolutePath == "/auth/action").Select(r => System.Text.Json.JsonDocument.Parse(r.Body!).RootElement.GetProperty("firstFactor").GetProperty("credentialAssertion").GetProperty("credId").GetString()).ToArray();
        Assert.Equal(new[] { "cred-first", created.CredId, created.CredId }, action);

        await connection.ConnectAsync(CancellationToken.None);
        await connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", new { credentialUuid = created.Uuid }, userAction: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_new_key_the_server_refuses_is_rolled_back_and_the_old_credential_keeps_signing()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.EdDSA);
        using RotationKey newKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");
        dfns.RefusedCredIds.Add(newKey.Kid);

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost())
            .InvokeAsync(new DfnsKeyRotationOptions { NewKey = newKey }, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsRotationVerificationFailed, ex.ErrorId);
        Assert.Contains("still active", ex.Message, StringComparison.Ordinal);
        Assert.True(old.IsActive);
        Assert.False(dfns.Credentials.Single(c => c.CredId == newKey.Kid).IsActive);
        Assert.Equal("cred-first", connection.CredentialId);
        await connection.ConnectAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failing_deploy_script_is_DfnsRotationDeployFailed_and_rolls_back()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost())
            .InvokeAsync(new DfnsKeyRotationOptions { Deploy = (_, _) => throw new IOException("vault down") }, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsRotationDeployFailed, ex.ErrorId);
        Assert.Contains("vault down", ex.Message, StringComparison.Ordinal);
        Assert.True(old.IsActive);
        Assert.False(dfns.Credentials[1].IsActive);
    }

    [Fact]
    public async Task A_rerun_after_an_interrupted_rotation_finds_the_new_credential_by_its_key_and_finishes()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");
        string dir = Directory.CreateTempSubdirectory("dfns-rot").FullName;
        string keyPath = Path.Combine(dir, "new.pem");
        try
        {
            DfnsKeyRotationResult first = await new DfnsKeyRotator(connection, new DecliningHost("Deactivate the old credential"))
                .InvokeAsync(new DfnsKeyRotationOptions { KeyPath = keyPath, Algorithm = KeyAlgorithm.EdDSA }, CancellationToken.None);
            Assert.Equal(DfnsKeyRotationStatus.Stopped, first.Status);
            Assert.True(File.Exists(keyPath));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            }

            Assert.True(old.IsActive);
            Assert.Equal(2, dfns.Credentials.Count);

            DfnsKeyRotationResult second = await new DfnsKeyRotator(connection, new UnattendedRotationHost())
                .InvokeAsync(new DfnsKeyRotationOptions { KeyPath = keyPath, Algorithm = KeyAlgorithm.EdDSA }, CancellationToken.None);

            Assert.Equal(DfnsKeyRotationStatus.Completed, second.Status);
            Assert.Equal(first.NewCredentialUuid, second.NewCredentialUuid);
            Assert.Equal(2, dfns.Credentials.Count);
            Assert.False(old.IsActive);
            Assert.Contains(second.Steps, s => s.Contains("added by an earlier run", StringComparison.Ordinal));

            DfnsKeyRotationResult third = await new DfnsKeyRotator(connection, new UnattendedRotationHost())
                .InvokeAsync(new DfnsKeyRotationOptions { KeyPath = keyPath, Algorithm = KeyAlgorithm.EdDSA }, CancellationToken.None);
            Assert.Equal(DfnsKeyRotationStatus.AlreadyCompleted, third.Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_rerun_after_a_rollback_activates_the_same_credential_again_once_the_key_works()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey newKey = DfnsTestKeys.Create(KeyAlgorithm.RS256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");
        dfns.RefusedCredIds.Add(newKey.Kid);
        await Assert.ThrowsAsync<PsCredRotateException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions { NewKey = newKey }, CancellationToken.None));
        dfns.RefusedCredIds.Clear();

        DfnsKeyRotationResult result = await new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions { NewKey = newKey }, CancellationToken.None);

        Assert.Equal(DfnsKeyRotationStatus.Completed, result.Status);
        Assert.Equal(2, dfns.Credentials.Count);
        Assert.False(old.IsActive);
        Assert.True(dfns.Credentials[1].IsActive);
    }

    [Fact]
    public async Task WhatIf_shows_every_step_and_changes_nothing()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");
        var host = new DecliningHost(null, whatIf: true);
        string keyPath = Path.Combine(Path.GetTempPath(), "dfns-whatif-" + Guid.NewGuid().ToString("N") + ".pem");

        DfnsKeyRotationResult result = await new DfnsKeyRotator(connection, host).InvokeAsync(new DfnsKeyRotationOptions { KeyPath = keyPath }, CancellationToken.None);

        Assert.Equal(DfnsKeyRotationStatus.Planned, result.Status);
        Assert.False(File.Exists(keyPath));
        Assert.Single(dfns.Credentials);
        Assert.True(old.IsActive);
        Assert.Equal(4, host.Asked.Count);
        Assert.Contains(host.Asked, a => a.StartsWith("Add Key credential", StringComparison.Ordinal));
        Assert.Contains(host.Asked, a => a.StartsWith("Deactivate the old credential", StringComparison.Ordinal));
        Assert.DoesNotContain(dfns.Handler.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task A_server_that_refuses_credential_creation_leaves_everything_as_it_was()
    {
        var dfns = new FakeDfns { RefuseCreation = 403 };
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential old = dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");

        var ex = await Assert.ThrowsAsync<ApiException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialCreationForbidden, ex.ErrorId);
        Assert.Single(dfns.Credentials);
        Assert.True(old.IsActive);
        Assert.Equal("cred-first", connection.CredentialId);
    }

    [Fact]
    public async Task A_connection_whose_key_does_not_match_its_credential_is_refused_before_anything_changes()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey wrong = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(wrong, "cred-first");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions(), CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialKeyMismatch, ex.ErrorId);
        Assert.Single(dfns.Credentials);
        Assert.DoesNotContain(dfns.Handler.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task A_P384_algorithm_is_refused_before_any_call()
    {
        var dfns = new FakeDfns();
        using RotationKey oldKey = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(oldKey, "cred-first");
        using DfnsConnection connection = dfns.Connect(oldKey, "cred-first");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new DfnsKeyRotator(connection, new UnattendedRotationHost()).InvokeAsync(new DfnsKeyRotationOptions { Algorithm = KeyAlgorithm.ES384 }, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsKeyTypeUnsupported, ex.ErrorId);
        Assert.Empty(dfns.Handler.Requests);
    }

    private sealed class SyncProgress : IProgress<DfnsRotationProgress>
    {
        private readonly Action<DfnsRotationProgress> _report;

        public SyncProgress(Action<DfnsRotationProgress> report) => _report = report;

        public void Report(DfnsRotationProgress value) => _report(value);
    }

    /// <summary>Says no to the steps whose action starts with a prefix (or to all under WhatIf), and records every question.</summary>
    private sealed class DecliningHost : IRotationHost
    {
        private readonly string? _decline;

        public DecliningHost(string? decline, bool whatIf = false)
        {
            _decline = decline;
            WhatIf = whatIf;
        }

        public List<string> Asked { get; } = new();

        public bool WhatIf { get; }

        public bool ShouldProcess(string target, string action)
        {
            Asked.Add(action);
            return !WhatIf && (_decline is null || !action.StartsWith(_decline, StringComparison.Ordinal));
        }

        public bool ShouldContinue(string query, string caption) => !WhatIf;

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
