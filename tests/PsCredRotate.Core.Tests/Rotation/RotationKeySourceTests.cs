using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

public class RotationKeySourceTests : RotationTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_generated_key_is_written_owner_only_before_its_credential_is_uploaded()
    {
        SeedOne();
        string path = TempKeyPath();
        bool fileBeforeAdd = false;
        Provider.AfterCall = (_, op) =>
        {
            if (op == "Add")
            {
                fileBeforeAdd = File.Exists(path);
            }
        };

        ClientCredentialRotation rotation = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None);

        Assert.True(fileBeforeAdd);
        Assert.Equal(path, rotation.KeyPath);
        using RotationKey onDisk = KeyImporter.FromFile(path);
        Assert.Equal(rotation.NewKid, onDisk.Kid);
        Assert.True(onDisk.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task With_a_password_the_key_file_is_encrypted()
    {
        SeedOne();
        string path = TempKeyPath();
        var options = new RotationStartOptions("app") { KeyPath = path, KeyPassword = SecureStrings.FromString("correct horse") };
        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(path));

        // A rerun reads it back with the same password and resumes with the same key.
        Provider.Calls.Clear();
        ClientCredentialRotation again = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path, KeyPassword = SecureStrings.FromString("correct horse") }, None);
        Assert.Equal(rotation.NewKid, again.NewKid);
        Assert.DoesNotContain("Add", Operations());
    }

    [Fact]
    public async Task A_rerun_with_the_same_KeyPath_reuses_the_key_and_creates_nothing_twice()
    {
        SeedOne();
        string path = TempKeyPath();
        Host.Answer = (_, action) => !action.StartsWith("Attach", StringComparison.Ordinal);
        ClientCredentialRotation first = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None);
        Assert.Equal(RotationPhase.Declined, first.Phase);

        Host.Answer = (_, _) => true;
        ClientCredentialRotation second = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None);

        Assert.Equal(first.NewKid, second.NewKid);
        Assert.Equal(RotationPhase.Started, second.Phase);
        Assert.Single(Provider.Calls, c => c.Operation == "Add");
        Assert.Equal(2, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task A_KeyPath_holding_the_clients_current_key_is_refused()
    {
        SeedOne();
        string path = TempKeyPath();
        KeyExporter.ExportToFile(Old, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None));

        Assert.Equal(ErrorIds.KeyPathHoldsCurrentKey, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task A_given_key_that_differs_from_the_KeyPath_file_is_a_conflict()
    {
        SeedOne();
        string path = TempKeyPath();
        KeyExporter.ExportToFile(Other, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(new RotationStartOptions("app") { Key = New, KeyPath = path }, None));

        Assert.Equal(ErrorIds.RotationKeyConflict, e.ErrorId);
        Assert.Empty(Provider.Calls);
    }

    [Fact]
    public async Task A_given_key_is_written_to_a_KeyPath_that_does_not_exist()
    {
        SeedOne();
        string path = TempKeyPath();
        await Rotator.StartAsync(new RotationStartOptions("app") { Key = New, KeyPath = path }, None);
        using RotationKey onDisk = KeyImporter.FromFile(path);
        Assert.Equal(New.Kid, onDisk.Kid);
    }

    [Fact]
    public async Task WhatIf_writes_no_key_file()
    {
        SeedOne();
        string path = TempKeyPath();
        Host.WhatIf = true;
        await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None);
        Assert.False(File.Exists(path));
        Assert.Contains(Host.Processed, p => p.Target == path);
    }

    [Fact]
    public async Task A_generated_ec_key_is_refused_before_any_call_or_file()
    {
        SeedOne();
        string path = TempKeyPath();
        var options = new RotationStartOptions("app") { KeyPath = path, Generate = new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 } };
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Empty(Provider.Calls);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_public_only_key_is_refused_because_it_cannot_be_verified()
    {
        SeedOne();
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(StartWith(New.ToPublicKey()), None));
        Assert.Equal(ErrorIds.PrivateKeyUnavailable, e.ErrorId);
        Assert.Empty(Provider.Calls);
    }

    [Fact]
    public async Task The_generated_PS256_key_is_read_back_as_PS256_on_a_rerun()
    {
        SeedOne();
        string path = TempKeyPath();
        var generate = new KeyGenerationOptions { Algorithm = KeyAlgorithm.PS256 };
        Host.Answer = (_, action) => !action.StartsWith("Attach", StringComparison.Ordinal);
        ClientCredentialRotation first = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path, Generate = generate }, None);
        Host.Answer = (_, _) => true;
        ClientCredentialRotation second = await Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path, Generate = generate }, None);
        Assert.Equal(first.NewKid, second.NewKid);
        Assert.Equal(KeyAlgorithm.PS256, second.NewKey!.Algorithm);
        Assert.Equal(RotationPhase.Started, second.Phase);
        Assert.Equal(1, Provider.Calls.Count(c => c.Operation == "Add"));
    }

    [Fact]
    public async Task A_KeyPath_left_by_a_finished_rotation_is_the_current_key_for_the_next_one()
    {
        SeedOne();
        string path = TempKeyPath();
        await Rotator.InvokeAsync(new RotationStartOptions("app") { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.InvokeAsync(new RotationStartOptions("app") { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: false, None));
        Assert.Equal(ErrorIds.KeyPathHoldsCurrentKey, e.ErrorId);
    }

    [Fact]
    public async Task A_KeyPath_left_by_a_finished_KeepPrevious_rotation_is_the_current_key_too()
    {
        SeedOne();
        string path = TempKeyPath();
        await Rotator.InvokeAsync(new RotationStartOptions("app") { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: true, None);
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.InvokeAsync(new RotationStartOptions("app") { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: true, None));
        Assert.Equal(ErrorIds.KeyPathHoldsCurrentKey, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task An_ec_key_in_the_KeyPath_file_is_refused_as_an_unsupported_algorithm_before_any_call()
    {
        string path = TempKeyPath();
        using RotationKey ec = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 });
        KeyExporter.ExportToFile(ec, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);
        SeedOne();

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(new RotationStartOptions("app") { KeyPath = path }, None));

        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Empty(Provider.Calls);
    }
}
