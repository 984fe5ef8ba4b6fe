using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

/// <summary>Crash and fault tests: an interruption after every call, and random transient faults over many rotations.</summary>
public class RotationResilienceTests : RotationTestBase
{
    /// <summary>Arranges one of the scenarios on a fresh fake provider; returns the options and the expected final kid text.</summary>
    private (Func<RotationStartOptions> Options, string Expected) Scenario(string name, string path)
    {
        Provider = new FakeCredentialProvider { Clock = () => Now };
        Rotator = new ClientCredentialRotator(Provider, Host, Settings);
        Provider.AddClient("app");
        string Sorted(params RotationKey[] keys) => string.Join(",", keys.Select(k => k.Kid).OrderBy(k => k, StringComparer.Ordinal));
        switch (name)
        {
            case "one attached":
                Provider.Seed("app", Old, attached: true);
                return (() => new RotationStartOptions("app") { Key = New, KeyPath = path }, $"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]");
            case "generated key":
                Provider.Seed("app", Old, attached: true);
                return (() => new RotationStartOptions("app") { KeyPath = path }, string.Empty);
            case "two attached, retire one":
                Provider.Seed("app", Old, attached: true);
                Provider.Seed("app", Other, attached: true);
                return (() => new RotationStartOptions("app") { Key = New, KeyPath = path, Retire = new[] { Old.Kid } }, $"PrivateKeyJwt attached=[{Other.Kid},{New.Kid}] stored=[{Sorted(Other, New)}]");
            case "full pool, prune":
                Provider.Seed("app", Old, attached: true);
                Provider.Seed("app", RotationKeys.Get(3), attached: false, createdAt: Now.AddDays(-90));
                Provider.Seed("app", RotationKeys.Get(4), attached: false, createdAt: Now.AddDays(-60));
                Provider.Seed("app", RotationKeys.Get(5), attached: false, createdAt: Now.AddDays(-50));
                return (() => new RotationStartOptions("app") { Key = New, KeyPath = path, PruneDetached = true }, $"PrivateKeyJwt attached=[{New.Kid}] stored=[{Sorted(RotationKeys.Get(4), RotationKeys.Get(5), New)}]");
            default:
                throw new ArgumentOutOfRangeException(nameof(name));
        }
    }

    public static TheoryData<string> Scenarios() => new() { "one attached", "generated key", "two attached, retire one", "full pool, prune" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Interrupted_after_any_call_a_rerun_converges_to_the_uninterrupted_state(string scenario)
    {
        // The uninterrupted run: its call count bounds the interruption points.
        string referencePath = TempKeyPath();
        var (referenceOptions, expected) = Scenario(scenario, referencePath);
        await Rotator.InvokeAsync(referenceOptions(), (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);
        string reference = Provider.KidText("app");
        if (expected.Length > 0)
        {
            Assert.Equal(expected, reference);
        }

        int calls = Provider.Calls.Count;
        AssertNoLockoutAndNoOverflow();

        for (int n = 1; n < calls; n++)
        {
            string path = TempKeyPath();
            var (options, _) = Scenario(scenario, path);
            using var cts = new CancellationTokenSource();
            int cancelAt = n;
            Provider.AfterCall = (number, _) =>
            {
                if (number == cancelAt)
                {
                    cts.Cancel();
                }
            };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Rotator.InvokeAsync(options(), (_, ct) => Task.Delay(0, ct), keepPrevious: false, cts.Token));

            Provider.AfterCall = null;
            ClientCredentialRotation rerun = await Rotator.InvokeAsync(options(), (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);

            Assert.Equal(RotationPhase.Completed, rerun.Phase);
            string final = Provider.KidText("app");
            if (scenario == "generated key")
            {
                using RotationKey generated = KeyImporter.FromFile(path);
                Assert.Equal($"PrivateKeyJwt attached=[{generated.Kid}] stored=[{generated.Kid}]", final);
            }
            else
            {
                Assert.Equal(reference, final);
            }

            Assert.Single(Provider.Calls, c => c.Operation == "Add");
            AssertNoLockoutAndNoOverflow();
        }
    }

    [Fact]
    public async Task Two_hundred_rotations_with_twenty_percent_transient_faults_converge_without_lockouts_or_leftovers()
    {
        var random = new Random(4242);
        int before = 0, after = 0;
        Provider.Faults = (_, op) =>
        {
            lock (random)
            {
                if (random.NextDouble() >= 0.2)
                {
                    return Fault.None;
                }

                if (op is "Read" or "Test" || random.Next(2) == 0)
                {
                    before++;
                    return Fault.Before;
                }

                after++;
                return Fault.After;
            }
        };

        int failures = 0;
        for (int i = 0; i < 200; i++)
        {
            string clientId = "app" + i;
            RotationKey oldKey = RotationKeys.Get(i % 4);
            RotationKey newKey = RotationKeys.Get(4 + (i % 4));
            Provider.AddClient(clientId);
            Provider.Seed(clientId, oldKey, attached: true);
            try
            {
                ClientCredentialRotation rotation = await Rotator.InvokeAsync(
                    new RotationStartOptions(clientId) { Key = newKey, Audience = "https://api.example" },
                    (_, _) => Task.CompletedTask,
                    keepPrevious: false,
                    CancellationToken.None);
                Assert.Equal(RotationPhase.Completed, rotation.Phase);
            }
            catch (PsCredRotateException)
            {
                failures++;
            }

            Assert.Equal($"PrivateKeyJwt attached=[{newKey.Kid}] stored=[{newKey.Kid}]", Provider.KidText(clientId));
        }

        Assert.Equal(0, failures);
        Assert.InRange(before, 150, int.MaxValue);
        Assert.InRange(after, 50, int.MaxValue);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task One_rotator_runs_many_clients_at_once()
    {
        var clients = Enumerable.Range(0, 24).Select(i => "bulk" + i).ToList();
        foreach (string id in clients)
        {
            Provider.AddClient(id);
            Provider.Seed(id, Old, attached: true);
        }

        ClientCredentialRotation[] results = await Task.WhenAll(clients.Select(id => Task.Run(() =>
            Rotator.InvokeAsync(new RotationStartOptions(id) { Key = New, Audience = "https://api.example" }, async (_, _) => await Task.Yield(), keepPrevious: false, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(RotationPhase.Completed, r.Phase));
        Assert.All(clients, id => Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText(id)));
        Assert.Equal(clients.Count * 5, Provider.ManagementCalls());
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task A_Start_interrupted_after_any_call_is_finished_by_Start_again_then_a_standalone_Complete()
    {
        SeedOne();
        await Rotator.StartAsync(new RotationStartOptions("app") { Key = New }, CancellationToken.None);
        int calls = Provider.Calls.Count;
        for (int n = 1; n < calls; n++)
        {
            Provider = new FakeCredentialProvider { Clock = () => Now };
            Rotator = new ClientCredentialRotator(Provider, Host, Settings);
            SeedOne();
            using var cts = new CancellationTokenSource();
            int cancelAt = n;
            Provider.AfterCall = (number, _) =>
            {
                if (number == cancelAt)
                {
                    cts.Cancel();
                }
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Rotator.StartAsync(new RotationStartOptions("app") { Key = New }, cts.Token));
            Provider.AfterCall = null;

            ClientCredentialRotation started = await Rotator.StartAsync(new RotationStartOptions("app") { Key = New }, CancellationToken.None);
            Assert.Equal(RotationPhase.Started, started.Phase);
            await Rotator.CompleteAsync(new RotationCompleteOptions("app", New), CancellationToken.None);

            Assert.Equal($"PrivateKeyJwt attached=[{New.Kid}] stored=[{New.Kid}]", Provider.KidText("app"));
            AssertNoLockoutAndNoOverflow();
        }
    }
}
