using PsCredRotate.Core;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>The rotation engine over real HTTP: the planning rules, rollback and reruns, each checked against the emulator's state.</summary>
public sealed class RotationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string[] Sorted(IEnumerable<string> kids) => kids.Order(StringComparer.Ordinal).ToArray();

    private static void AssertStep(ClientCredentialRotation rotation, RotationStepKind kind, string kid, params RotationStepStatus[] statuses)
    {
        RotationStepStatus[] allowed = statuses.Length == 0 ? new[] { RotationStepStatus.Done } : statuses;
        Assert.True(
            rotation.Steps.Any(s => s.Kind == kind && s.Kids.Contains(kid) && allowed.Contains(s.Status)),
            $"No {kind} step for {kid} with status {string.Join("/", allowed)} in:\n{string.Join("\n", rotation.Steps)}");
    }

    [Fact]
    public async Task Start_then_Complete_from_one_attached_credential_leaves_only_the_new_key_attached_and_deletes_the_old()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-one"));
        SeededClient client = tenant["app-one"];
        RotationKey oldKey = client.AttachedKeys[0];
        ClientCredentialRotator rotator = tenant.Rotator();

        ClientCredentialRotation started = await rotator.StartAsync(tenant.Start(client.ClientId), None);

        Assert.Equal(RotationPhase.Started, started.Phase);
        Assert.True(started.Verified);
        Assert.NotNull(started.NewKey);
        Assert.True(started.NewKey!.HasPrivateKey);
        Assert.Equal(started.NewKid, started.NewKey.Kid);
        Assert.Equal(new[] { oldKey.Kid }, started.RetiringKids);
        Assert.Equal(started.NewKid, started.NewCredential?.Kid);
        AssertStep(started, RotationStepKind.Create, started.NewKid);
        AssertStep(started, RotationStepKind.SetAttached, started.NewKid);
        AssertStep(started, RotationStepKind.Verify, started.NewKid);
        ClientView middle = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(Sorted(new[] { oldKey.Kid, started.NewKid }), Sorted(middle.AttachedKids));
        await tenant.AssertWorksAsync(client.ClientId, oldKey);
        await tenant.AssertWorksAsync(client.ClientId, started.NewKey);

        ClientCredentialRotation completed = await rotator.CompleteAsync(started, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, completed.Phase);
        Assert.True(completed.Verified);
        AssertStep(completed, RotationStepKind.Delete, oldKey.Kid);
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(new[] { started.NewKid }, after.AttachedKids);
        Assert.Equal(new[] { started.NewKid }, after.StoredKids);
        await tenant.AssertWorksAsync(client.ClientId, started.NewKey);
        Assert.False((await tenant.TokenAsync(client.ClientId, oldKey)).Success);
    }

    [Fact]
    public async Task Invoke_from_one_attached_credential_makes_6_Management_API_calls_and_1_token_request()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-calls"));

        ClientCredentialRotation rotation = await tenant.Rotator().InvokeAsync(tenant.Start("app-calls"), (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        RecordedRequest[] requests = tenant.Requests.Requests.ToArray();
        Assert.Equal(
            new[]
            {
                "GET /api/v2/clients/app-calls",
                "GET /api/v2/clients/app-calls/credentials",
                "POST /api/v2/clients/app-calls/credentials",
                "PATCH /api/v2/clients/app-calls",
                "POST /oauth/token",
                "PATCH /api/v2/clients/app-calls",
                "DELETE /api/v2/clients/app-calls/credentials/*",
            },
            requests.Select(r => r.Method + " " + (r.Path.Contains("/credentials/", StringComparison.Ordinal) ? r.Path[..(r.Path.LastIndexOf('/') + 1)] + "*" : r.Path)).ToArray());
        Assert.Equal(6, requests.Count(r => r.Path.StartsWith("/api/v2/", StringComparison.Ordinal)));
        Assert.Equal(1, requests.Count(r => r.IsVerification));
    }

    [Fact]
    public async Task Invoke_from_one_attached_credential_deploys_between_the_halves_and_with_KeepPrevious_keeps_the_old_detached()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-keep"));
        SeededClient client = tenant["app-keep"];
        RotationKey oldKey = client.AttachedKeys[0];
        var deployed = new List<(string ClientId, string Kid, bool Private, string[] AttachedThen)>();

        ClientCredentialRotation rotation = await tenant.Rotator().InvokeAsync(
            tenant.Start(client.ClientId),
            async (r, ct) =>
            {
                ClientView during = await tenant.ClientAsync(r.ClientId);
                deployed.Add((r.ClientId, r.NewKey!.Kid, r.NewKey.HasPrivateKey, Sorted(during.AttachedKids)));
            },
            keepPrevious: true,
            None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.True(rotation.Verified);
        var deploy = Assert.Single(deployed);
        Assert.Equal(client.ClientId, deploy.ClientId);
        Assert.Equal(rotation.NewKid, deploy.Kid);
        Assert.True(deploy.Private);
        Assert.Equal(Sorted(new[] { oldKey.Kid, rotation.NewKid }), deploy.AttachedThen);
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(new[] { rotation.NewKid }, after.AttachedKids);
        Assert.Equal(Sorted(new[] { oldKey.Kid, rotation.NewKid }), Sorted(after.StoredKids));
        Assert.DoesNotContain(rotation.Steps, s => s.Kind == RotationStepKind.Delete && s.Status == RotationStepStatus.Done);
        await tenant.AssertWorksAsync(client.ClientId, rotation.NewKey!);
        Assert.False((await tenant.TokenAsync(client.ClientId, oldKey)).Success);
    }

    [Fact]
    public async Task From_two_attached_with_Retire_naming_one_the_other_stays_attached()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-two", attached: 2));
        SeededClient client = tenant["app-two"];
        RotationKey retired = client.AttachedKeys[0];
        RotationKey kept = client.AttachedKeys[1];
        RotationStartOptions options = tenant.Start(client.ClientId);
        options.Retire = new[] { retired.Kid };

        ClientCredentialRotation rotation = await tenant.Rotator().InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(new[] { retired.Kid }, rotation.RetiringKids);
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(Sorted(new[] { kept.Kid, rotation.NewKid }), Sorted(after.AttachedKids));
        Assert.Equal(Sorted(new[] { kept.Kid, rotation.NewKid }), Sorted(after.StoredKids));
        await tenant.AssertWorksAsync(client.ClientId, kept);
        await tenant.AssertWorksAsync(client.ClientId, rotation.NewKey!);
        Assert.False((await tenant.TokenAsync(client.ClientId, retired)).Success);
    }

    [Fact]
    public async Task From_two_attached_without_Retire_it_refuses_with_SlotFull_naming_both_and_changes_nothing()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-full", attached: 2));
        SeededClient client = tenant["app-full"];
        string before = await tenant.SnapshotTextAsync();

        PsCredRotateException ex = await Expect.ErrorAsync(ErrorIds.SlotFull, () => tenant.Rotator().StartAsync(tenant.Start(client.ClientId), None));

        foreach (string kid in client.AttachedKids)
        {
            Assert.Contains(kid, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsStep);
    }

    [Fact]
    public async Task From_two_attached_where_one_has_expired_it_needs_no_Retire_and_keeps_the_working_one_attached_until_Complete()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-expired", attached: 2));
        SeededClient client = tenant["app-expired"];
        RotationKey expired = client.AttachedKeys[0];
        RotationKey working = client.AttachedKeys[1];
        await tenant.MutateStateAsync(s => s.FindClient(client.ClientId)!.Credentials.Single(c => c.Kid == expired.Kid).ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1));
        Assert.False((await tenant.TokenAsync(client.ClientId, expired)).Success);
        ClientCredentialRotator rotator = tenant.Rotator();

        ClientCredentialRotation started = await rotator.StartAsync(tenant.Start(client.ClientId), None);

        Assert.Equal(RotationPhase.Started, started.Phase);
        ClientView middle = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(Sorted(new[] { working.Kid, started.NewKid }), Sorted(middle.AttachedKids));
        await tenant.AssertWorksAsync(client.ClientId, working);
        await tenant.AssertWorksAsync(client.ClientId, started.NewKey!);

        // No -Retire: Complete retires every credential but the new one (as from one attached).
        Assert.Equal(Sorted(new[] { expired.Kid, working.Kid }), Sorted(started.RetiringKids));
        ClientCredentialRotation completed = await rotator.CompleteAsync(started, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, completed.Phase);
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(new[] { started.NewKid }, after.AttachedKids);
        Assert.Equal(new[] { started.NewKid }, after.StoredKids);
        await tenant.AssertWorksAsync(client.ClientId, started.NewKey!);
    }

    [Fact]
    public async Task With_four_stored_it_refuses_with_PoolFull_listing_the_detached_and_changes_nothing()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-pool", attached: 1, detached: 3));
        SeededClient client = tenant["app-pool"];
        string before = await tenant.SnapshotTextAsync();

        PsCredRotateException ex = await Expect.ErrorAsync(ErrorIds.PoolFull, () => tenant.Rotator().StartAsync(tenant.Start(client.ClientId), None));

        foreach (string kid in client.DetachedKids)
        {
            Assert.Contains(kid, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsStep);
    }

    [Fact]
    public async Task With_four_stored_and_PruneDetached_it_deletes_detached_credentials_and_rotates()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-prune", attached: 1, detached: 3));
        SeededClient client = tenant["app-prune"];
        RotationKey oldKey = client.AttachedKeys[0];
        RotationStartOptions options = tenant.Start(client.ClientId);
        options.PruneDetached = true;

        ClientCredentialRotation rotation = await tenant.Rotator().InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        string[] pruned = rotation.Steps.Where(s => s.Kind == RotationStepKind.Prune && s.Status == RotationStepStatus.Done).SelectMany(s => s.Kids).ToArray();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, kid => Assert.Contains(kid, client.DetachedKids));
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(new[] { rotation.NewKid }, after.AttachedKids);
        Assert.Equal(Sorted(client.DetachedKids.Except(pruned).Append(rotation.NewKid)), Sorted(after.StoredKids));
        Assert.DoesNotContain(oldKey.Kid, after.StoredKids);
        await tenant.AssertWorksAsync(client.ClientId, rotation.NewKey!);
    }

    [Fact]
    public async Task A_client_on_a_secret_is_refused_with_ClientUsesClientSecret_and_changes_nothing()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddSecretClient("app-secret"));
        string before = await tenant.SnapshotTextAsync();
        var host = new RecordingHost(confirm: true);

        await Expect.ErrorAsync(ErrorIds.ClientUsesClientSecret, () => tenant.Rotator(host).StartAsync(tenant.Start("app-secret"), None));

        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsStep);
    }

    [Fact]
    public async Task A_client_on_a_secret_is_migrated_with_AllowAuthenticationMethodSwitch_when_the_host_confirms()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddSecretClient("app-migrate"));
        var host = new RecordingHost(confirm: true);
        Assert.True(await tenant.SecretWorksAsync("app-migrate", tenant["app-migrate"].Secret));
        RotationStartOptions options = tenant.Start("app-migrate");
        options.AllowAuthenticationMethodSwitch = true;

        ClientCredentialRotation rotation = await tenant.Rotator(host).InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, rotation.OriginalAuthenticationMethod);
        Assert.NotEmpty(host.Continued);
        ClientView after = await tenant.ClientAsync("app-migrate");
        Assert.True(after.UsesPrivateKeyJwt);
        Assert.Equal(new[] { rotation.NewKid }, after.AttachedKids);
        Assert.Equal(new[] { rotation.NewKid }, after.StoredKids);
        await tenant.AssertWorksAsync("app-migrate", rotation.NewKey!);
        Assert.False(await tenant.SecretWorksAsync("app-migrate", tenant["app-migrate"].Secret));
    }

    [Fact]
    public async Task A_client_on_a_secret_stays_unchanged_when_the_host_declines_the_switch()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddSecretClient("app-decline"));
        string before = await tenant.SnapshotTextAsync();
        var host = new RecordingHost(confirm: false);
        RotationStartOptions options = tenant.Start("app-decline");
        options.AllowAuthenticationMethodSwitch = true;

        ClientCredentialRotation rotation = await tenant.Rotator(host).StartAsync(options, None);

        Assert.Equal(RotationPhase.Declined, rotation.Phase);
        Assert.Contains(rotation.Steps, s => s.Status == RotationStepStatus.Declined && s.Error == ErrorIds.RotationDeclined);
        Assert.NotEmpty(host.Continued);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
        Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsManagementWrite);
        Assert.True(await tenant.SecretWorksAsync("app-decline", tenant["app-decline"].Secret));
    }

    [Fact]
    public async Task A_failed_verification_rolls_back_with_RotationVerificationFailed_and_the_old_key_keeps_working()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-rollback"));
        SeededClient client = tenant["app-rollback"];
        RotationKey oldKey = client.AttachedKeys[0];
        using RotationKey newKey = client.NewKey();
        await tenant.RefuseKidAsync(newKey.Kid);
        string shapeBefore = (await tenant.ClientAsync(client.ClientId)).Shape;
        int deploys = 0;

        await Expect.ErrorAsync(ErrorIds.RotationVerificationFailed, () => tenant.Rotator().InvokeAsync(
            tenant.Start(client.ClientId, newKey),
            (_, _) =>
            {
                deploys++;
                return Task.CompletedTask;
            },
            keepPrevious: false,
            None));

        Assert.Equal(0, deploys);
        Assert.Contains(tenant.Requests.Requests, r => r.Method == "POST" && r.Path.EndsWith("/credentials", StringComparison.Ordinal));
        Assert.Contains(tenant.Requests.Requests, r => r.IsVerification && r.Status == 401);
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(shapeBefore, after.Shape);
        Assert.Equal(new[] { oldKey.Kid }, after.AttachedKids);
        Assert.DoesNotContain(newKey.Kid, after.StoredKids);
        await tenant.AssertWorksAsync(client.ClientId, oldKey);
    }

    [Fact]
    public async Task Start_run_twice_with_the_same_KeyPath_creates_no_duplicate_and_a_rerun_of_Complete_is_a_no_op()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-rerun"));
        SeededClient client = tenant["app-rerun"];
        string keyPath = tenant.NewKeyPath();
        try
        {
            RotationStartOptions options = tenant.Start(client.ClientId, generate: true);
            options.KeyPath = keyPath;
            ClientCredentialRotation first = await tenant.Rotator().StartAsync(options, None);
            Assert.True(File.Exists(keyPath));
            string shapeAfterFirst = (await tenant.ClientAsync(client.ClientId)).Shape;
            tenant.Requests.Clear();

            RotationStartOptions again = tenant.Start(client.ClientId, generate: true);
            again.KeyPath = keyPath;
            ClientCredentialRotation second = await tenant.Rotator().StartAsync(again, None);

            Assert.Equal(first.NewKid, second.NewKid);
            Assert.Equal(RotationPhase.Started, second.Phase);
            Assert.True(second.Verified);
            Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsManagementWrite);
            AssertStep(second, RotationStepKind.Create, first.NewKid, RotationStepStatus.AlreadyDone);
            ClientView afterSecond = await tenant.ClientAsync(client.ClientId);
            Assert.Equal(shapeAfterFirst, afterSecond.Shape);
            Assert.Equal(2, afterSecond.StoredKids.Count);

            ClientCredentialRotation completed = await tenant.Rotator().CompleteAsync(second, keepPrevious: false, None);
            Assert.Equal(RotationPhase.Completed, completed.Phase);
            string shapeCompleted = (await tenant.ClientAsync(client.ClientId)).Shape;
            string snapshotCompleted = await tenant.SnapshotTextAsync();
            tenant.Requests.Clear();

            ClientCredentialRotation rerun = await tenant.Rotator().CompleteAsync(second, keepPrevious: false, None);

            Assert.Equal(RotationPhase.Completed, rerun.Phase);
            Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsManagementWrite);
            Assert.Equal(snapshotCompleted, await tenant.SnapshotTextAsync());
            Assert.Equal(shapeCompleted, (await tenant.ClientAsync(client.ClientId)).Shape);
            Assert.Equal(new[] { first.NewKid }, (await tenant.ClientAsync(client.ClientId)).StoredKids);
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task Invoke_run_twice_with_the_same_key_creates_no_duplicate_credential()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-invoke-twice"));
        SeededClient client = tenant["app-invoke-twice"];
        using RotationKey newKey = client.NewKey();

        ClientCredentialRotation first = await tenant.Rotator().InvokeAsync(tenant.Start(client.ClientId, newKey), (_, _) => Task.CompletedTask, keepPrevious: false, None);
        string snapshot = await tenant.SnapshotTextAsync();
        tenant.Requests.Clear();
        ClientCredentialRotation second = await tenant.Rotator().InvokeAsync(tenant.Start(client.ClientId, newKey), (_, _) => Task.CompletedTask, keepPrevious: false, None);

        Assert.Equal(RotationPhase.Completed, first.Phase);
        Assert.Equal(RotationPhase.Completed, second.Phase);
        Assert.DoesNotContain(tenant.Requests.Requests, r => r.IsManagementWrite);
        Assert.Equal(snapshot, await tenant.SnapshotTextAsync());
        ClientView after = await tenant.ClientAsync(client.ClientId);
        Assert.Equal(new[] { newKey.Kid }, after.AttachedKids);
        Assert.Equal(new[] { newKey.Kid }, after.StoredKids);
        await tenant.AssertWorksAsync(client.ClientId, newKey);
    }
}
