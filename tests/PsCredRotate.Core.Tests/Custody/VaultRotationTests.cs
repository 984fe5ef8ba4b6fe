using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Tests.Rotation;

namespace PsCredRotate.Core.Tests.Custody;

/// <summary>-Vault/-SecretName in the rotation engine: the vault has -KeyPath's role.</summary>
public class VaultRotationTests : RotationTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly VaultKeyLocation Location = new("Ops", "app-next");

    private readonly FakeKeyVault _vault = new();

    private RotationStartOptions WithVault(RotationKey? key = null) =>
        new("app") { Key = key, VaultLocation = Location, KeyVault = _vault, ExpiresAt = new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero) };

    [Fact]
    public async Task A_generated_key_is_stored_in_the_vault_before_its_credential_is_uploaded()
    {
        SeedOne();
        int? addsWhenStored = null;
        _vault.OnSet = _ => addsWhenStored = Operations().Count(o => o == "Add");

        ClientCredentialRotation rotation = await Rotator.StartAsync(WithVault(), None);

        Assert.Equal(0, addsWhenStored);
        Assert.Single(Provider.Calls, c => c.Operation == "Add");
        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal("Ops", rotation.Vault);
        Assert.Equal("app-next", rotation.SecretName);
        var metadata = _vault.Secrets[("Ops", "app-next")].Metadata;
        Assert.Equal(rotation.NewKid, metadata["Kid"]);
        Assert.Equal("RS256", metadata["Algorithm"]);
        Assert.Equal("Fake", metadata["Provider"]);
        Assert.Equal("app", metadata["ClientId"]);
        Assert.Equal(new DateTime(2027, 2, 1, 0, 0, 0, DateTimeKind.Utc), metadata["ExpiresAt"]);
        Assert.Contains(Host.Processed, p => p.Target == "vault 'Ops', secret 'app-next'" && p.Action.Contains(rotation.NewKid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_vault_write_uploads_nothing()
    {
        SeedOne();
        _vault.FailSet = new PsCredRotateException(ErrorIds.VaultWriteFailed, ErrorKind.WriteError, "vault locked");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(WithVault(), None));

        Assert.Equal(ErrorIds.VaultWriteFailed, e.ErrorId);
        Assert.DoesNotContain("Add", Operations());
        Assert.Single(Provider.Snapshot("app").Credentials);
    }

    [Fact]
    public async Task Declining_the_vault_write_changes_nothing_anywhere()
    {
        SeedOne();
        Host.Answer = (target, _) => !target.StartsWith("vault", StringComparison.Ordinal);

        ClientCredentialRotation rotation = await Rotator.StartAsync(WithVault(), None);

        Assert.Equal(RotationPhase.Declined, rotation.Phase);
        Assert.Empty(_vault.Secrets);
        Assert.DoesNotContain("Add", Operations());
    }

    [Fact]
    public async Task WhatIf_shows_the_vault_write_and_stores_nothing()
    {
        SeedOne();
        Host.WhatIf = true;

        ClientCredentialRotation rotation = await Rotator.StartAsync(WithVault(), None);

        Assert.Equal(RotationPhase.Planned, rotation.Phase);
        Assert.Contains(Host.Processed, p => p.Target == "vault 'Ops', secret 'app-next'");
        Assert.Empty(_vault.Secrets);
    }

    [Fact]
    public async Task A_rerun_with_the_same_SecretName_reuses_the_key_and_creates_nothing_twice()
    {
        SeedOne();
        Host.Answer = (_, action) => !action.StartsWith("Attach", StringComparison.Ordinal);
        ClientCredentialRotation first = await Rotator.StartAsync(WithVault(), None);
        Assert.Equal(RotationPhase.Declined, first.Phase);
        int writes = _vault.Calls.Count(c => c.StartsWith("SetSecret", StringComparison.Ordinal));

        Host.Answer = (_, _) => true;
        ClientCredentialRotation second = await Rotator.StartAsync(WithVault(), None);

        Assert.Equal(first.NewKid, second.NewKid);
        Assert.Equal(RotationPhase.Started, second.Phase);
        Assert.Single(Provider.Calls, c => c.Operation == "Add");
        Assert.Equal(writes, _vault.Calls.Count(c => c.StartsWith("SetSecret", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_rerun_after_a_crash_following_the_upload_finds_its_credential_by_the_vault_key()
    {
        SeedOne();
        ClientCredentialRotation first = await Rotator.StartAsync(WithVault(), None);
        Provider.Calls.Clear();

        ClientCredentialRotation again = await Rotator.StartAsync(WithVault(), None);

        Assert.Equal(first.NewKid, again.NewKid);
        Assert.DoesNotContain("Add", Operations());
        Assert.Equal(2, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task A_given_key_different_from_the_vault_key_is_refused_before_any_call()
    {
        SeedOne();
        KeyCustody.Store(_vault, Location, Other, null, null, overwrite: false);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(WithVault(New), None));

        Assert.Equal(ErrorIds.RotationKeyConflict, e.ErrorId);
        Assert.Empty(Provider.Calls);
    }

    [Fact]
    public async Task A_KeyPath_and_a_SecretName_holding_different_keys_are_refused()
    {
        SeedOne();
        string path = TempKeyPath();
        KeyExporter.ExportToFile(Other, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);
        KeyCustody.Store(_vault, Location, New, null, null, overwrite: false);
        RotationStartOptions options = WithVault();
        options.KeyPath = path;

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));

        Assert.Equal(ErrorIds.RotationKeyConflict, e.ErrorId);
        Assert.Empty(Provider.Calls);
    }

    [Fact]
    public async Task With_KeyPath_too_the_key_goes_to_both_and_a_rerun_resumes_from_either()
    {
        SeedOne();
        string path = TempKeyPath();
        RotationStartOptions options = WithVault();
        options.KeyPath = path;
        Host.Answer = (_, action) => !action.StartsWith("Attach", StringComparison.Ordinal);
        ClientCredentialRotation first = await Rotator.StartAsync(options, None);

        using (RotationKey onDisk = KeyImporter.FromFile(path))
        {
            Assert.Equal(first.NewKid, onDisk.Kid);
        }

        File.Delete(path);
        Host.Answer = (_, _) => true;
        RotationStartOptions rerun = WithVault();
        rerun.KeyPath = path;
        ClientCredentialRotation second = await Rotator.StartAsync(rerun, None);

        Assert.Equal(first.NewKid, second.NewKid);
        Assert.True(File.Exists(path));
        Assert.Single(Provider.Calls, c => c.Operation == "Add");
    }

    [Fact]
    public async Task A_SecretName_holding_the_clients_current_key_is_refused()
    {
        SeedOne();
        KeyCustody.Store(_vault, Location, Old, null, null, overwrite: false);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(WithVault(), None));

        Assert.Equal(ErrorIds.SecretNameHoldsCurrentKey, e.ErrorId);
        Assert.DoesNotContain("Add", Operations());
    }

    [Fact]
    public async Task Invoke_with_a_vault_finishes_and_the_vault_keeps_the_new_key()
    {
        SeedOne();
        RotationStartOptions options = WithVault();
        options.Audience = "https://api.example";

        ClientCredentialRotation rotation = await Rotator.InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        using RotationKey kept = KeyCustody.Load(_vault, Location, null);
        Assert.Equal(rotation.NewKid, kept.Kid);
        Assert.Equal(RotationPhase.Completed, rotation.Phase);
    }
}
