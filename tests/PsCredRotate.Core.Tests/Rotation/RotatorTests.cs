using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

public class RotatorTests : RotationTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Start_from_one_attached_creates_attaches_beside_the_old_and_verifies()
    {
        ClientCredential old = SeedOne();
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);

        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.True(rotation.Verified);
        Assert.Equal(new[] { Old.Kid }, rotation.RetiringKids);
        Assert.Equal(new[] { old.Id }, rotation.OriginalAttachedIds);
        Assert.Equal(new[] { "Read", "Add", "SetAttached", "Test" }, Operations());
        Assert.Equal($"PrivateKeyJwt attached=[{Old.Kid},{New.Kid}] stored=[{string.Join(",", new[] { Old.Kid, New.Kid }.OrderBy(k => k, StringComparer.Ordinal))}]", Provider.KidText("app"));
        Assert.Equal(
            new[] { RotationStepKind.Create, RotationStepKind.SetAttached, RotationStepKind.Verify },
            rotation.Steps.Select(s => s.Kind));
        Assert.All(rotation.Steps, s => Assert.Equal(RotationStepStatus.Done, s.Status));
        Assert.Equal(New.Kid, rotation.NewCredential!.Kid);
        Assert.True(rotation.NewCredential.Attached);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Complete_reads_again_verifies_again_detaches_then_deletes_the_old()
    {
        SeedOne();
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Provider.Calls.Clear();

        rotation = await Rotator.CompleteAsync(rotation, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(new[] { "Read", "Test", "SetAttached", "Delete" }, Operations());
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Complete_with_KeepPrevious_detaches_and_keeps_the_old()
    {
        SeedOne();
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        await Rotator.CompleteAsync(rotation, keepPrevious: true, None);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{string.Join(",", new[] { Old.Kid, New.Kid }.OrderBy(k => k, StringComparer.Ordinal))}]", Provider.KidText("app"));
    }

    [Fact]
    public async Task Invoke_from_one_attached_costs_six_management_calls_and_one_token_request()
    {
        SeedOne();
        int deployed = 0;
        ClientCredentialRotation rotation = await Rotator.InvokeAsync(StartWith(New), (r, _) =>
        {
            deployed++;
            Assert.Equal(New.Kid, r.NewKey!.Kid);
            return Task.CompletedTask;
        }, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(1, deployed);
        Assert.Equal(new[] { "Read", "Add", "SetAttached", "Test", "SetAttached", "Delete" }, Operations());

        // ReadAsync is two Management requests (GET client + GET credentials).
        int management = Provider.ManagementCalls("Read") * 2 + Provider.ManagementCalls() - Provider.ManagementCalls("Read");
        Assert.Equal(6, management);
        Assert.Equal(1, Provider.TestCalls);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Invoke_reads_and_verifies_again_when_the_deploy_outlasts_ReverifyAfter()
    {
        SeedOne();
        await Rotator.InvokeAsync(StartWith(New), (_, _) =>
        {
            Now += Settings.ReverifyAfter + TimeSpan.FromSeconds(1);
            return Task.CompletedTask;
        }, keepPrevious: false, None);

        Assert.Equal(new[] { "Read", "Add", "SetAttached", "Test", "Read", "Test", "SetAttached", "Delete" }, Operations());
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
    }

    [Fact]
    public async Task Two_attached_without_Retire_is_SlotFull_naming_both_and_nothing_changes()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true);
        Provider.Seed("app", Other, attached: true);
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(StartWith(New), None));

        Assert.Equal(ErrorIds.SlotFull, e.ErrorId);
        Assert.Contains(Old.Kid, e.Message);
        Assert.Contains(Other.Kid, e.Message);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task Two_attached_with_Retire_swaps_the_retired_one_for_the_new_in_one_patch()
    {
        Provider.AddClient("app");
        ClientCredential a = Provider.Seed("app", Old, attached: true);
        ClientCredential b = Provider.Seed("app", Other, attached: true);
        var options = StartWith(New);
        options.Retire = new[] { Old.Kid };

        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);

        Assert.Equal(new[] { "Read", "Add", "SetAttached", "Test" }, Operations());
        FakeCall patch = Provider.Calls.Single(c => c.Operation == "SetAttached");
        Assert.Equal($"{b.Id},{rotation.NewCredential!.Id}", patch.Detail);
        Assert.Equal(new[] { Old.Kid }, rotation.RetiringKids);

        await Rotator.CompleteAsync(rotation, keepPrevious: false, None);
        Assert.Equal($"PrivateKeyJwt attached=[{Other.Kid},{New.Kid}] stored=[{string.Join(",", new[] { Other.Kid, New.Kid }.OrderBy(k => k, StringComparer.Ordinal))}]", Provider.KidText("app"));
        Assert.DoesNotContain(Provider.Calls, c => c.Operation == "Delete" && c.Detail == b.Id);
        Assert.Contains(Provider.Calls, c => c.Operation == "Delete" && c.Detail == a.Id);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Both_slots_full_with_one_expired_gives_up_the_expired_slot_even_when_Retire_names_the_working_one()
    {
        Provider.AddClient("app");
        ClientCredential expired = Provider.Seed("app", Old, attached: true, expiresAt: Now.AddDays(-1));
        ClientCredential working = Provider.Seed("app", Other, attached: true);
        var options = StartWith(New);
        options.Retire = new[] { Other.Kid };

        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);

        // Detaching the working one first would leave only the expired one and the unverified new one.
        FakeCall patch = Provider.Calls.Single(c => c.Operation == "SetAttached");
        Assert.Equal($"{working.Id},{rotation.NewCredential!.Id}", patch.Detail);
        Assert.Contains(Other.Kid, rotation.RetiringKids);
        Assert.Contains(Old.Kid, rotation.RetiringKids);

        await Rotator.CompleteAsync(rotation, keepPrevious: false, None);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
        Assert.Contains(Provider.Calls, c => c.Operation == "Delete" && c.Detail == expired.Id);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Both_slots_full_with_one_expired_needs_no_Retire()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true, expiresAt: Now.AddDays(-1));
        ClientCredential working = Provider.Seed("app", Other, attached: true);

        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);

        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal($"{working.Id},{rotation.NewCredential!.Id}", Provider.Calls.Single(c => c.Operation == "SetAttached").Detail);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Four_stored_is_PoolFull_listing_the_detached_ones_and_nothing_changes()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true);
        Provider.Seed("app", RotationKeys.Get(3), attached: false);
        Provider.Seed("app", RotationKeys.Get(4), attached: false);
        Provider.Seed("app", RotationKeys.Get(5), attached: false);
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(StartWith(New), None));

        Assert.Equal(ErrorIds.PoolFull, e.ErrorId);
        foreach (int i in new[] { 3, 4, 5 })
        {
            Assert.Contains(RotationKeys.Get(i).Kid, e.Message);
        }

        Assert.DoesNotContain(Old.Kid, e.Message.Substring(e.Message.IndexOf("Detached", StringComparison.Ordinal)));
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task PruneDetached_deletes_the_oldest_detached_one_to_make_room()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true);
        ClientCredential oldest = Provider.Seed("app", RotationKeys.Get(3), attached: false, createdAt: Now.AddDays(-90));
        Provider.Seed("app", RotationKeys.Get(4), attached: false, createdAt: Now.AddDays(-60));
        Provider.Seed("app", RotationKeys.Get(5), attached: false, createdAt: Now.AddDays(-50));
        var options = StartWith(New);
        options.PruneDetached = true;

        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);

        Assert.Equal(new[] { "Read", "Delete", "Add", "SetAttached", "Test" }, Operations());
        Assert.Equal(oldest.Id, Provider.Calls[1].Detail);
        Assert.Equal(RotationStepKind.Prune, rotation.Steps[0].Kind);
        Assert.Equal(4, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task A_client_on_a_secret_is_refused_with_the_explanation()
    {
        Provider.AddClient("app", ClientAuthenticationMethod.ClientSecretPost);
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(StartWith(New), None));

        Assert.Equal(ErrorIds.ClientUsesClientSecret, e.ErrorId);
        Assert.Contains("one authentication method at a time", e.Message);
        Assert.Contains("-AllowAuthenticationMethodSwitch", e.Message);
        Assert.Equal(before, Provider.SnapshotText("app"));
        Assert.Empty(Host.Continued);
    }

    [Fact]
    public async Task The_switch_from_a_secret_asks_and_a_no_changes_nothing()
    {
        Provider.AddClient("app", ClientAuthenticationMethod.ClientSecretBasic);
        string before = Provider.SnapshotText("app");
        Host.ContinueAnswer = false;
        var options = StartWith(New);
        options.AllowAuthenticationMethodSwitch = true;

        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);

        Assert.Equal(RotationPhase.Declined, rotation.Phase);
        Assert.Single(Host.Continued);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task The_allowed_switch_moves_the_client_and_Undo_puts_the_secret_back()
    {
        Provider.AddClient("app", ClientAuthenticationMethod.ClientSecretPost);
        var options = StartWith(New);
        options.AllowAuthenticationMethodSwitch = true;

        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);
        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, rotation.OriginalAuthenticationMethod);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));

        await Rotator.UndoAsync(rotation, None);
        Assert.Equal(RotationPhase.Undone, rotation.Phase);
        Assert.Equal("ClientSecretPost attached=[] stored=[]", Provider.KidText("app"));
    }

    [Fact]
    public async Task WhatIf_reads_plans_reports_every_step_with_kids_and_changes_nothing()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Host.WhatIf = true;
        bool deployed = false;

        ClientCredentialRotation rotation = await Rotator.InvokeAsync(StartWith(New), (_, _) =>
        {
            deployed = true;
            return Task.CompletedTask;
        }, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Planned, rotation.Phase);
        Assert.False(deployed);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
        Assert.Equal(
            new[] { RotationStepKind.Create, RotationStepKind.SetAttached, RotationStepKind.Verify, RotationStepKind.SetAttached, RotationStepKind.Delete },
            rotation.Steps.Select(s => s.Kind));
        Assert.All(rotation.Steps, s => Assert.Equal(RotationStepStatus.Planned, s.Status));
        Assert.Equal(rotation.Steps.Count, Host.Processed.Count);
        Assert.Contains(Host.Processed, p => p.Action.Contains(New.Kid) && p.Action.Contains(Old.Kid) && p.Action.StartsWith("Attach", StringComparison.Ordinal));
        Assert.Contains(Host.Processed, p => p.Action.Contains(Old.Kid) && p.Action.StartsWith("Delete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_declined_step_stops_with_phase_Declined_and_a_rerun_resumes_without_duplicates()
    {
        SeedOne();
        Host.Answer = (_, action) => !action.StartsWith("Attach", StringComparison.Ordinal);

        ClientCredentialRotation declined = await Rotator.StartAsync(StartWith(New), None);

        Assert.Equal(RotationPhase.Declined, declined.Phase);
        Assert.Equal(RotationStepStatus.Declined, declined.Steps.Last().Status);
        Assert.Equal(ErrorIds.RotationDeclined, declined.Steps.Last().Error);
        Assert.Equal(new[] { "Read", "Add" }, Operations());

        Host.Answer = (_, _) => true;
        Provider.Calls.Clear();
        ClientCredentialRotation resumed = await Rotator.StartAsync(StartWith(New), None);

        Assert.Equal(RotationPhase.Started, resumed.Phase);
        Assert.Equal(RotationStepStatus.AlreadyDone, resumed.Steps.First(s => s.Kind == RotationStepKind.Create).Status);
        Assert.Equal(new[] { "Read", "SetAttached", "Test" }, Operations());
        Assert.Equal(2, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task A_failed_verification_undoes_and_leaves_the_old_credential_working()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Provider.RefusedKids.Add(New.Kid);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(StartWith(New), None));

        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Equal("app", e.Target);
        Assert.Equal(Settings.VerifyAttempts, Provider.TestCalls);
        Assert.Equal(before, Provider.SnapshotText("app"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task A_failed_verification_after_a_swap_puts_both_original_credentials_back()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true);
        Provider.Seed("app", Other, attached: true);
        string before = Provider.SnapshotText("app");
        Provider.RefusedKids.Add(New.Kid);
        var options = StartWith(New);
        options.Retire = new[] { Old.Kid };

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));

        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task A_failed_deploy_undoes_and_keeps_the_inner_exception()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        var boom = new InvalidOperationException("vault unavailable");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.InvokeAsync(StartWith(New), (_, _) => throw boom, keepPrevious: false, None));

        Assert.Equal(ErrorIds.RotationDeployFailed, e.ErrorId);
        Assert.Same(boom, e.InnerException);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task A_verification_failing_after_a_slow_deploy_undoes()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.InvokeAsync(StartWith(New), (_, _) =>
            {
                Now += TimeSpan.FromMinutes(5);
                Provider.RefusedKids.Add(New.Kid);
                return Task.CompletedTask;
            }, keepPrevious: false, None));

        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task Retire_naming_a_credential_that_is_not_attached_is_refused()
    {
        SeedOne();
        Provider.Seed("app", Other, attached: false);
        var options = StartWith(New);
        options.Retire = new[] { Other.Kid };

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));

        Assert.Equal(ErrorIds.RetireCredentialNotAttached, e.ErrorId);
        Assert.Equal(new[] { "Read" }, Operations());
    }

    [Fact]
    public async Task A_rerun_of_a_finished_Invoke_with_Retire_changes_nothing()
    {
        Provider.AddClient("app");
        Provider.Seed("app", Old, attached: true);
        Provider.Seed("app", Other, attached: true);
        var options = StartWith(New);
        options.Retire = new[] { Old.Kid };
        await Rotator.InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);
        string finished = Provider.SnapshotText("app");
        int calls = Provider.Calls.Count;

        ClientCredentialRotation rerun = await Rotator.InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rerun.Phase);
        Assert.Equal(finished, Provider.SnapshotText("app"));
        Assert.DoesNotContain(Provider.Calls.Skip(calls), c => c.Operation is "Add" or "SetAttached" or "Delete");
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Retire_naming_an_unknown_kid_is_refused()
    {
        SeedOne();
        var options = StartWith(New);
        options.Retire = new[] { "no-such-kid" };
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));
        Assert.Equal(ErrorIds.RetireCredentialNotAttached, e.ErrorId);
    }

    [Fact]
    public async Task Retire_naming_the_new_key_is_refused()
    {
        SeedOne();
        var options = StartWith(New);
        options.Retire = new[] { New.Kid };
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(options, None));
        Assert.Equal(ErrorIds.RetireIncludesNewKey, e.ErrorId);
        Assert.Equal(new[] { "Read" }, Operations());
    }

    [Fact]
    public async Task Complete_for_a_client_without_the_new_key_attached_is_RotationNotStarted()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.CompleteAsync(new RotationCompleteOptions("app", New), None));
        Assert.Equal(ErrorIds.RotationNotStarted, e.ErrorId);
        Assert.Equal("app", e.Target);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task A_standalone_Complete_by_client_and_key_retires_every_other_attached_one()
    {
        SeedOne();
        await Rotator.StartAsync(StartWith(New), None);
        ClientCredentialRotation done = await Rotator.CompleteAsync(new RotationCompleteOptions("app", New), None);
        Assert.Equal(RotationPhase.Completed, done.Phase);
        Assert.Equal(new[] { Old.Kid }, done.RetiringKids);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
    }

    [Fact]
    public async Task A_standalone_Complete_whose_verification_fails_retires_nothing()
    {
        SeedOne();
        await Rotator.StartAsync(StartWith(New), None);
        string before = Provider.SnapshotText("app");
        Provider.RefusedKids.Add(New.Kid);
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.CompleteAsync(new RotationCompleteOptions("app", New), None));
        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task A_transient_failure_waits_reads_again_and_finishes()
    {
        SeedOne();
        Provider.Faults = (n, op) => op == "Add" && n == 2 ? Fault.Before : Fault.None;
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(new[] { "Read", "Add", "Read", "Add", "SetAttached", "Test" }, Operations());
    }

    [Fact]
    public async Task A_create_committed_before_a_lost_answer_is_not_created_twice()
    {
        SeedOne();
        Provider.Faults = (n, op) => op == "Add" ? Fault.After : Fault.None;
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(new[] { "Read", "Add", "Read", "SetAttached", "Test" }, Operations());
        Assert.Equal(2, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task CredentialExists_from_the_create_reads_again_and_goes_on()
    {
        SeedOne();
        Provider.AfterCall = (n, op) =>
        {
            if (n == 1)
            {
                Provider.Seed("app", New, attached: false);
            }
        };
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Assert.Equal(RotationPhase.Started, rotation.Phase);
        Assert.Equal(new[] { "Read", "Add", "Read", "SetAttached", "Test" }, Operations());
        Assert.Contains(rotation.Steps, s => s.Kind == RotationStepKind.Create && s.Status == RotationStepStatus.AlreadyDone);
        Assert.Equal(2, Provider.Snapshot("app").Credentials.Count);
    }

    [Fact]
    public async Task Transient_failures_beyond_the_budget_are_thrown()
    {
        SeedOne();
        Settings.MaxTransientFailures = 3;
        Provider.Faults = (_, op) => op == "SetAttached" ? Fault.Before : Fault.None;
        var e = await Assert.ThrowsAsync<ApiException>(() => Rotator.StartAsync(StartWith(New), None));
        Assert.True(e.IsTransient);
        Assert.Equal(4, Provider.ManagementCalls("SetAttached"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Undo_by_client_and_kid_detaches_and_deletes_the_new_credential()
    {
        SeedOne();
        await Rotator.StartAsync(StartWith(New), None);
        ClientCredentialRotation undone = await Rotator.UndoAsync("app", New.Kid, None);
        Assert.Equal(RotationPhase.Undone, undone.Phase);
        Assert.Equal($"PrivateKeyJwt attached=[{Old.Kid}] stored=[{Old.Kid}]", Provider.KidText("app"));
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Undo_refuses_to_leave_a_client_without_a_credential()
    {
        SeedOne();
        ClientCredentialRotation rotation = await Rotator.InvokeAsync(StartWith(New), (_, _) => Task.CompletedTask, false, None);
        string before = Provider.SnapshotText("app");
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.UndoAsync(rotation, None));
        Assert.Equal(ErrorIds.LastAttachedCredential, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task Undo_of_a_rotation_already_undone_does_nothing()
    {
        SeedOne();
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        await Rotator.UndoAsync(rotation, None);
        Provider.Calls.Clear();
        await Rotator.UndoAsync(rotation, None);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(RotationStepStatus.AlreadyDone, rotation.Steps.Last().Status);
    }

    [Fact]
    public async Task An_unknown_client_is_the_provider_error_and_nothing_else_happens()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => Rotator.StartAsync(StartWith(New, "ghost"), None));
        Assert.Equal(ErrorIds.ClientNotFound, e.ErrorId);
        Assert.Equal(new[] { "Read" }, Operations());
    }

    [Fact]
    public async Task The_log_names_kids_and_never_holds_key_material()
    {
        SeedOne();
        await Rotator.InvokeAsync(StartWith(New), (_, _) => Task.CompletedTask, false, None);
        string log = string.Join("\n", Host.Log);
        Assert.Contains(New.Kid, log);
        Assert.Contains(Old.Kid, log);
        Assert.DoesNotContain("PRIVATE KEY", log);
        Assert.DoesNotContain("BEGIN", log);
    }

    [Fact]
    public async Task A_verification_that_cannot_be_made_undoes_and_keeps_its_error()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Provider.TestException = new PsCredRotateException(ErrorIds.VerificationAudienceRequired, ErrorKind.InvalidArgument, "No API grant; give -Audience.", "app");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.StartAsync(new RotationStartOptions("app") { Key = New }, None));

        Assert.Equal(ErrorIds.VerificationAudienceRequired, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task The_new_credential_is_named_after_the_credentials_it_replaces()
    {
        SeedOne();
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Assert.Equal($"PsCredRotate {New.Kid.Substring(0, 8)} 2026-11-29 replaces {Old.Kid.Substring(0, 8)}", rotation.NewCredential!.Name);
    }

    [Fact]
    public async Task An_explicit_credential_name_is_kept_as_given()
    {
        SeedOne();
        var options = StartWith(New);
        options.CredentialName = "billing replaces nothing";
        ClientCredentialRotation rotation = await Rotator.StartAsync(options, None);
        Assert.Equal("billing replaces nothing", rotation.NewCredential!.Name);
        await Rotator.CompleteAsync(rotation, keepPrevious: false, None);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
    }

    [Fact]
    public async Task Complete_without_Retire_deletes_only_the_detached_credentials_the_new_one_replaces()
    {
        SeedOne();
        ClientCredential spare = Provider.Seed("app", Other, attached: false, name: "spare");
        ClientCredentialRotation rotation = await Rotator.StartAsync(StartWith(New), None);
        Assert.Equal(new[] { Old.Kid }, rotation.RetiringKids);

        // A crash after Complete's detach, before its delete: the rerun finds the old one by the new one's name.
        Provider.AfterCall = (_, op) =>
        {
            if (op == "SetAttached")
            {
                throw new OperationCanceledException();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Rotator.CompleteAsync(new RotationCompleteOptions("app", New), None));
        Provider.AfterCall = null;

        ClientCredentialRotation rerun = await Rotator.CompleteAsync(new RotationCompleteOptions("app", New), None);

        Assert.Equal(new[] { Old.Kid }, rerun.RetiringKids);
        Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{string.Join(",", new[] { Other.Kid, New.Kid }.OrderBy(k => k, StringComparer.Ordinal))}]", Provider.KidText("app"));
        Assert.DoesNotContain(Provider.Calls, c => c.Operation == "Delete" && c.Detail == spare.Id);
    }

    [Fact]
    public async Task Complete_takes_Retire_by_credential_id_and_reports_it_by_kid()
    {
        Provider.AddClient("app");
        ClientCredential a = Provider.Seed("app", Old, attached: true);
        Provider.Seed("app", Other, attached: true);
        var options = StartWith(New);
        options.Retire = new[] { a.Id };
        await Rotator.StartAsync(options, None);

        ClientCredentialRotation done = await Rotator.CompleteAsync(new RotationCompleteOptions("app", New) { Retire = new[] { a.Id } }, None);

        Assert.Equal(new[] { Old.Kid }, done.RetiringKids);
        Assert.Equal($"PrivateKeyJwt attached=[{Other.Kid},{New.Kid}] stored=[{string.Join(",", new[] { Other.Kid, New.Kid }.OrderBy(k => k, StringComparer.Ordinal))}]", Provider.KidText("app"));

        // Run again: the retired one is gone, which is what was asked.
        ClientCredentialRotation again = await Rotator.CompleteAsync(new RotationCompleteOptions("app", New) { Retire = new[] { a.Id } }, None);
        Assert.Equal(RotationPhase.Completed, again.Phase);
        Assert.Contains(again.Steps, s => s.Kind == RotationStepKind.Delete && s.Status == RotationStepStatus.AlreadyDone);
    }

    [Fact]
    public async Task Complete_refuses_a_Retire_that_names_the_new_key()
    {
        SeedOne();
        await Rotator.StartAsync(StartWith(New), None);
        string before = Provider.SnapshotText("app");
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() =>
            Rotator.CompleteAsync(new RotationCompleteOptions("app", New) { Retire = new[] { New.Kid } }, None));
        Assert.Equal(ErrorIds.RetireIncludesNewKey, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task A_provider_that_knows_its_permissions_refuses_the_rotation_before_any_write()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Provider.ChecksPermissions = true;
        Provider.Forbidden.Add("SetAttached");

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator.InvokeAsync(StartWith(New), (_, _) => Task.CompletedTask, false, None));

        Assert.Equal(ErrorIds.InsufficientScope, e.ErrorId);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
        Assert.Contains(RotationStepKind.Delete, Provider.PermissionChecks.Single());
    }

    [Fact]
    public async Task A_permission_refused_half_way_rolls_back_what_the_run_created()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Provider.Forbidden.Add("SetAttached");

        var e = await Assert.ThrowsAsync<ApiException>(() => Rotator.StartAsync(StartWith(New), None));

        Assert.Equal(ErrorIds.InsufficientScope, e.ErrorId);
        Assert.Equal(new[] { "Read", "Add", "SetAttached", "Read", "Delete" }, Operations());
        Assert.Equal(before, Provider.SnapshotText("app"));
    }
}
