using System.Collections.Concurrent;
using System.Diagnostics;
using PsCredRotate.Core;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>
/// A rotation cancelled right after each of its steps (a Management API write or a verification
/// token request has been answered), then run again: it ends where an uninterrupted run ends, and
/// after every single change the client has 1 or 2 credentials attached.
/// </summary>
public sealed class CrashTests
{
    private const string ClientId = "app-crash";

    private readonly ITestOutputHelper _output;

    public CrashTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private const string FromKeyPath = "one attached, key from -KeyPath";

    private static Task<ClientCredentialRotation> InvokeAsync(RotationTenant tenant, RotationKey key, string scenario, string keyPath, CancellationToken cancellationToken)
    {
        RotationStartOptions options = tenant.Start(ClientId, key);
        if (scenario == FromKeyPath)
        {
            // As a runbook resumes: the same -KeyPath, where the first run wrote the new key before uploading it.
            options.Key = null;
            options.KeyPath = keyPath;
        }

        if (scenario == "two attached, Retire one")
        {
            options.Retire = new[] { tenant[ClientId].AttachedKids.First() };
        }

        options.PruneDetached = scenario == "pool full, PruneDetached";
        return tenant.Rotator().InvokeAsync(options, (_, _) => Task.CompletedTask, keepPrevious: false, cancellationToken);
    }

    private static void Seed(TenantSeedBuilder seed, string scenario)
    {
        switch (scenario)
        {
            case "one attached": seed.AddPrivateKeyJwtClient(ClientId); break;
            case FromKeyPath: seed.AddPrivateKeyJwtClient(ClientId); break;
            case "two attached, Retire one": seed.AddPrivateKeyJwtClient(ClientId, attached: 2); break;
            case "pool full, PruneDetached": seed.AddPrivateKeyJwtClient(ClientId, attached: 1, detached: 3); break;
            default: throw new ArgumentOutOfRangeException(nameof(scenario));
        }
    }

    /// <summary>After every Management API write: read the client from the snapshot and record any moment with 0 or more than 2 attached.</summary>
    private static Func<RecordedRequest, int, Task> Observe(RotationTenant tenant, ConcurrentQueue<string> violations, ConcurrentQueue<string> changes, Action<int>? then = null) =>
        async (request, step) =>
        {
            if (request.IsManagementWrite)
            {
                ClientView view = await tenant.ClientAsync(ClientId);
                changes.Enqueue($"{request} -> {view.Shape}");
                if (view.AttachedKids.Count is < 1 or > 2)
                {
                    violations.Enqueue($"after step {step} ({request}): {view.Shape}");
                }
            }

            then?.Invoke(step);
        };

    [Theory]
    [InlineData("one attached")]
    [InlineData("two attached, Retire one")]
    [InlineData("pool full, PruneDetached")]
    [InlineData(FromKeyPath)]
    public async Task A_rotation_interrupted_after_each_step_and_run_again_ends_like_an_uninterrupted_one_and_never_has_0_or_3_attached(string scenario)
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => Seed(s, scenario));
        IReadOnlyList<RotationKey> oldKeys = tenant[ClientId].AttachedKeys;
        using RotationKey newKey = tenant[ClientId].NewKey();
        string keyPath = tenant.NewKeyPath();
        KeyExporter.ExportToFile(newKey, keyPath, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);
        try
        {
            await RunAsync(tenant, scenario, oldKeys, newKey, keyPath);
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    [Fact]
    public async Task A_rotation_with_Retire_interrupted_after_its_last_step_and_run_again_reports_it_complete()
    {
        const string scenario = "two attached, Retire one";
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => Seed(s, scenario));
        using RotationKey newKey = tenant[ClientId].NewKey();
        ClientCredentialRotation first = await InvokeAsync(tenant, newKey, scenario, "unused", CancellationToken.None);
        string done = await tenant.SnapshotTextAsync();

        ClientCredentialRotation rerun = await InvokeAsync(tenant, newKey, scenario, "unused", CancellationToken.None);

        Assert.Equal(RotationPhase.Completed, first.Phase);
        Assert.Equal(RotationPhase.Completed, rerun.Phase);
        Assert.Equal(done, await tenant.SnapshotTextAsync());
    }

    private async Task RunAsync(RotationTenant tenant, string scenario, IReadOnlyList<RotationKey> oldKeys, RotationKey newKey, string keyPath)
    {
        string initial = await tenant.SnapshotTextAsync();
        var violations = new ConcurrentQueue<string>();
        var changes = new ConcurrentQueue<string>();

        tenant.Requests.AfterStep = Observe(tenant, violations, changes);
        ClientCredentialRotation reference = await InvokeAsync(tenant, newKey, scenario, keyPath, CancellationToken.None);
        Assert.Equal(RotationPhase.Completed, reference.Phase);
        int steps = tenant.Requests.Steps;
        string expected = (await tenant.ClientAsync(ClientId)).Shape;
        Assert.Contains(newKey.Kid, expected, StringComparison.Ordinal);
        if (scenario is "one attached" or FromKeyPath)
        {
            Assert.Equal($"pkjwt=True method=- attached=[{newKey.Kid}] stored=[{newKey.Kid}]", expected);
        }
        Assert.InRange(steps, 4, 12);
        _output.WriteLine($"Uninterrupted: {steps} steps: {string.Join(", ", tenant.Requests.Requests.Where(r => r.IsStep))}");

        for (int interruptAfter = 1; interruptAfter <= steps; interruptAfter++)
        {
            await tenant.RestoreAsync(initial);
            tenant.Requests.Clear();
            using var cts = new CancellationTokenSource();
            int at = interruptAfter;
            tenant.Requests.AfterStep = Observe(tenant, violations, changes, step =>
            {
                if (step == at)
                {
                    cts.Cancel();
                }
            });

            Exception? interrupted = await Record.ExceptionAsync(() => InvokeAsync(tenant, newKey, scenario, keyPath, cts.Token));

            Assert.True(interrupted is OperationCanceledException, $"Interrupted after step {at} of {steps}: expected a cancellation, got {interrupted?.GetType().Name ?? "none"}: {interrupted?.Message}");
            ClientView between = await tenant.ClientAsync(ClientId);
            Assert.InRange(between.AttachedKids.Count, 1, 2);
            RotationKey holding = oldKeys.Append(newKey).First(k => between.AttachedKids.Contains(k.Kid));
            await tenant.AssertWorksAsync(ClientId, holding);

            tenant.Requests.AfterStep = Observe(tenant, violations, changes);
            tenant.Requests.Clear();
            if (scenario == FromKeyPath && at == steps)
            {
                // Interrupted after its last step the rotation is done; a rerun from the same file then
                // meets the guard against rotating to the key the client already uses, and changes nothing.
                string done = await tenant.SnapshotTextAsync();
                await Expect.ErrorAsync(ErrorIds.KeyPathHoldsCurrentKey, () => InvokeAsync(tenant, newKey, scenario, keyPath, CancellationToken.None));
                Assert.Equal(done, await tenant.SnapshotTextAsync());
                Assert.Equal(expected, (await tenant.ClientAsync(ClientId)).Shape);
                continue;
            }

            ClientCredentialRotation rerun = await InvokeAsync(tenant, newKey, scenario, keyPath, CancellationToken.None);

            _output.WriteLine($"Interrupted after step {at}: {between.Shape}; the rerun took {tenant.Requests.Steps} steps");
            Assert.Equal(RotationPhase.Completed, rerun.Phase);
            Assert.True(expected == (await tenant.ClientAsync(ClientId)).Shape, $"Interrupted after step {at} of {steps}, the rerun ended at {(await tenant.ClientAsync(ClientId)).Shape}, not {expected}.");
            await tenant.AssertWorksAsync(ClientId, newKey);
        }

        Assert.True(violations.IsEmpty, "Moments with 0 or more than 2 attached:\n" + string.Join("\n", violations));
        Assert.NotEmpty(changes);
    }

    [Fact]
    public async Task An_engine_process_killed_after_a_step_leaves_a_working_client_and_a_rerun_from_its_KeyPath_finishes_the_job()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient(ClientId));
        RotationKey oldKey = tenant[ClientId].AttachedKeys[0];
        string initial = await tenant.SnapshotTextAsync();
        string keyPath = tenant.NewKeyPath();
        try
        {
            // Killed right after the create, the attach, and the detach of the old credential.
            foreach (int killAfter in new[] { 1, 2, 4 })
            {
                await tenant.RestoreAsync(initial);
                using (Process engine = EngineProcess.Start(tenant, ClientId, keyPath, killAfter))
                {
                    string? line = await engine.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
                    if (line != "paused " + killAfter)
                    {
                        engine.Kill(entireProcessTree: true);
                        Assert.Fail($"The engine process said '{line}' instead of pausing after step {killAfter}: {await engine.StandardError.ReadToEndAsync()}");
                    }

                    engine.Kill(entireProcessTree: true);
                    await engine.WaitForExitAsync();
                }

                using RotationKey newKey = KeyImporter.FromFile(keyPath);
                ClientView between = await tenant.ClientAsync(ClientId);
                _output.WriteLine($"Killed after step {killAfter}: {between.Shape}");
                Assert.InRange(between.AttachedKids.Count, 1, 2);
                await tenant.AssertWorksAsync(ClientId, between.AttachedKids.Contains(oldKey.Kid) ? oldKey : newKey);

                ClientCredentialRotation rerun = await tenant.Rotator().InvokeAsync(
                    new RotationStartOptions(ClientId) { KeyPath = keyPath, Audience = TenantSeedBuilder.Api },
                    (_, _) => Task.CompletedTask,
                    keepPrevious: false,
                    CancellationToken.None);

                Assert.Equal(RotationPhase.Completed, rerun.Phase);
                Assert.Equal(newKey.Kid, rerun.NewKid);
                Assert.Equal($"pkjwt=True method=- attached=[{newKey.Kid}] stored=[{newKey.Kid}]", (await tenant.ClientAsync(ClientId)).Shape);
                await tenant.AssertWorksAsync(ClientId, newKey);
            }
        }
        finally
        {
            File.Delete(keyPath);
        }
    }
}
