using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Tests.Rotation;

namespace PsCredRotate.Core.Tests.Oidc;

/// <summary>The engine with a provider whose adding is attaching (CredentialPolicy.SeparateAttach false, RFC 7592 jwks).</summary>
public sealed class AttachingOnCreateRotationTests : IDisposable
{
    private const string Client = "app";

    private static RotationKey Old => RotationKeys.Get(0);

    private static RotationKey Other => RotationKeys.Get(1);

    private static RotationKey New => RotationKeys.Get(2);

    private readonly System.Collections.Generic.List<string> _dirs = new();
    private readonly JwksFakeProvider _provider = new();
    private readonly RecordingHost _host = new();
    private readonly ClientCredentialRotator _rotator;

    public AttachingOnCreateRotationTests()
    {
        _rotator = new ClientCredentialRotator(_provider, _host, new RotationSettings { VerifyRetryDelay = TimeSpan.Zero, TransientRetryDelay = TimeSpan.Zero });
    }

    private static RotationStartOptions Start(RotationKey key, params string[] retire) => new(Client) { Key = key, Retire = retire };

    [Fact]
    public async Task Start_creates_the_key_which_is_attached_at_once_and_verifies_without_an_attach_write()
    {
        _provider.Seed(Old);

        ClientCredentialRotation rotation = await _rotator.StartAsync(Start(New), CancellationToken.None);

        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(new[] { "Read", "Add", "Test" }, _provider.Calls);
        Assert.Equal(new[] { Old.Kid, New.Kid }, _provider.Keys);
        Assert.True(rotation.NewCredential!.Attached);
        Assert.Equal(new[] { RotationStepKind.Create, RotationStepKind.Verify }, rotation.Steps.Select(s => s.Kind));
        Assert.Equal(new[] { Old.Kid }, rotation.RetiringKids);
    }

    [Fact]
    public async Task Invoke_creates_verifies_deploys_and_deletes_the_old_one_with_two_writes()
    {
        _provider.Seed(Old);
        int deployed = 0;

        ClientCredentialRotation rotation = await _rotator.InvokeAsync(Start(New), (_, _) => { deployed++; return Task.CompletedTask; }, keepPrevious: false, CancellationToken.None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(1, deployed);
        Assert.Equal(new[] { "Add", "Delete" }, _provider.Writes);
        Assert.Equal(new[] { New.Kid }, _provider.Keys);
        Assert.Equal(new[] { 2, 1 }, _provider.SizeHistory);
    }

    [Fact]
    public async Task Complete_deletes_every_retiring_key_and_keeps_the_new_one()
    {
        _provider.Seed(Old, Other);
        ClientCredentialRotation started = await _rotator.StartAsync(Start(New), CancellationToken.None);

        ClientCredentialRotation completed = await _rotator.CompleteAsync(started, keepPrevious: false, CancellationToken.None);

        Assert.Equal(RotationPhase.Completed, completed.Phase);
        Assert.Equal(new[] { "Add", "Delete", "Delete" }, _provider.Writes);
        Assert.Equal(new[] { New.Kid }, _provider.Keys);
        Assert.All(_provider.SizeHistory, size => Assert.InRange(size, 1, _provider.Policy.MaxAttached));
    }

    [Fact]
    public async Task A_full_set_without_Retire_is_SlotFull_and_nothing_changes()
    {
        RotationKey[] four = Enumerable.Range(3, 4).Select(RotationKeys.Get).ToArray();
        _provider.Seed(four);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.StartAsync(Start(New), CancellationToken.None));

        Assert.Equal(ErrorIds.SlotFull, e.ErrorId);
        Assert.Empty(_provider.Writes);
    }

    [Fact]
    public async Task A_full_set_with_Retire_deletes_the_retired_key_first_and_never_holds_more_than_allowed()
    {
        RotationKey[] four = Enumerable.Range(3, 4).Select(RotationKeys.Get).ToArray();
        _provider.Seed(four);

        ClientCredentialRotation rotation = await _rotator.StartAsync(Start(New, four[1].Kid), CancellationToken.None);

        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(new[] { "Delete", "Add" }, _provider.Writes);
        Assert.Equal(new[] { 3, 4 }, _provider.SizeHistory);
        Assert.DoesNotContain(four[1].Kid, _provider.Keys);
        Assert.Contains(four[1].Kid, rotation.RetiringKids);
    }

    [Fact]
    public async Task A_failed_verification_deletes_the_new_key_and_the_old_one_stays()
    {
        _provider.Seed(Old);
        _provider.RefusedKids.Add(New.Kid);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.StartAsync(Start(New), CancellationToken.None));

        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Equal(new[] { "Add", "Delete" }, _provider.Writes);
        Assert.Equal(new[] { Old.Kid }, _provider.Keys);
        Assert.DoesNotContain("SetAttached", _provider.Calls);
    }

    [Fact]
    public async Task A_failed_deploy_in_Invoke_deletes_the_new_key()
    {
        _provider.Seed(Old);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.InvokeAsync(Start(New), (_, _) => throw new InvalidOperationException("disk full"), keepPrevious: false, CancellationToken.None));

        Assert.Equal(ErrorIds.RotationDeployFailed, e.ErrorId);
        Assert.Equal(new[] { Old.Kid }, _provider.Keys);
    }

    [Fact]
    public async Task Undo_refuses_to_delete_the_only_key()
    {
        _provider.Seed(New);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.UndoAsync(Client, New.Kid, CancellationToken.None));

        Assert.Equal(ErrorIds.LastAttachedCredential, e.ErrorId);
        Assert.Empty(_provider.Writes);
    }

    [Fact]
    public async Task KeepPrevious_is_refused_before_any_change()
    {
        _provider.Seed(Old);

        PsCredRotateException invoke = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.InvokeAsync(Start(New), (_, _) => Task.CompletedTask, keepPrevious: true, CancellationToken.None));
        PsCredRotateException complete = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.CompleteAsync(new RotationCompleteOptions(Client, Old) { KeepPrevious = true }, CancellationToken.None));

        Assert.Equal(ErrorIds.KeepPreviousUnsupported, invoke.ErrorId);
        Assert.Equal(ErrorIds.KeepPreviousUnsupported, complete.ErrorId);
        Assert.Empty(_provider.Writes);
    }

    [Fact]
    public async Task WhatIf_shows_create_verify_and_the_deletes_and_changes_nothing()
    {
        _provider.Seed(Old);
        _host.WhatIf = true;

        ClientCredentialRotation rotation = await _rotator.InvokeAsync(Start(New), (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);

        Assert.Equal(RotationPhase.Planned, rotation.Phase);
        Assert.Equal(new[] { RotationStepKind.Create, RotationStepKind.Verify, RotationStepKind.Delete }, rotation.Steps.Select(s => s.Kind));
        Assert.Empty(_provider.Writes);
    }

    [Fact]
    public async Task A_rerun_after_start_finds_the_key_and_only_verifies()
    {
        _provider.Seed(Old, New);

        ClientCredentialRotation rotation = await _rotator.StartAsync(Start(New), CancellationToken.None);

        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Empty(_provider.Writes);
        Assert.Equal(RotationStepStatus.AlreadyDone, rotation.Steps.Single(s => s.Kind == RotationStepKind.Create).Status);
        Assert.DoesNotContain(rotation.Steps, s => s.Kind == RotationStepKind.SetAttached);
    }

    [Fact]
    public async Task Adding_with_the_manager_is_one_write_and_removing_the_last_needs_Force()
    {
        _provider.Seed(Old);
        var manager = new ClientCredentialManager(_provider, _host);

        ClientCredential? added = await manager.AddAsync(Client, new NewClientCredential(New), attach: true, CancellationToken.None);
        bool removedOld = await manager.RemoveAsync(Client, Old.Kid, force: false, CancellationToken.None);
        PsCredRotateException last = await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RemoveAsync(Client, New.Kid, force: false, CancellationToken.None));
        bool removedLast = await manager.RemoveAsync(Client, New.Kid, force: true, CancellationToken.None);

        Assert.True(added!.Attached);
        Assert.True(removedOld);
        Assert.Equal(ErrorIds.LastAttachedCredential, last.ErrorId);
        Assert.True(removedLast);
        Assert.Single(_host.Continued);
        Assert.Equal(new[] { "Add", "Delete", "Delete" }, _provider.Writes);
    }

    [Fact]
    public async Task Adding_to_a_full_set_with_the_manager_is_SlotFull()
    {
        _provider.Seed(Enumerable.Range(3, 4).Select(RotationKeys.Get).ToArray());
        var manager = new ClientCredentialManager(_provider, _host);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => manager.AddAsync(Client, new NewClientCredential(New), attach: false, CancellationToken.None));

        Assert.Equal(ErrorIds.SlotFull, e.ErrorId);
        Assert.Empty(_provider.Writes);
    }

    [Fact]
    public async Task A_rerun_with_the_KeyPath_of_an_interrupted_rotation_resumes_from_the_appended_key()
    {
        string path = KeyFile(New);
        _provider.Seed(Old, New);

        ClientCredentialRotation rotation = await _rotator.InvokeAsync(new RotationStartOptions(Client) { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(New.Kid, rotation.NewKid);
        Assert.Equal(new[] { New.Kid }, _provider.Keys);
    }

    [Fact]
    public async Task A_KeyPath_holding_the_older_key_of_the_set_is_KeyPathHoldsCurrentKey()
    {
        string path = KeyFile(Old);
        _provider.Seed(Old, Other);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _rotator.InvokeAsync(new RotationStartOptions(Client) { KeyPath = path }, (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None));

        Assert.Equal(ErrorIds.KeyPathHoldsCurrentKey, e.ErrorId);
        Assert.Empty(_provider.Writes);
    }

    public void Dispose()
    {
        foreach (string dir in _dirs)
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    private string KeyFile(RotationKey key)
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pscr-oidc-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        string path = System.IO.Path.Combine(dir, "key.pem");
        KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);
        return path;
    }
}
