using System.Collections.Concurrent;
using System.Diagnostics;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>An application that asks for a token every 50 ms with the key it holds never fails across a whole rotation.</summary>
public sealed class ZeroDowntimeTests
{
    private const string ClientId = "app-live";

    private sealed record Attempt(TimeSpan At, string Kid, bool Success, string? Error);

    [Fact]
    public async Task A_worker_requesting_a_token_every_50_ms_never_fails_and_switches_to_the_deployed_key()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient(ClientId));
        RotationKey held = tenant[ClientId].AttachedKeys[0];
        string oldKid = held.Kid;
        string keyPath = tenant.NewKeyPath();
        var attempts = new ConcurrentQueue<Attempt>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // The application: every 50 ms a token with the key it currently holds.
        Task worker = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                RotationKey key = Volatile.Read(ref held);
                (bool success, string? error) = await tenant.TokenAsync(ClientId, key, http);
                attempts.Enqueue(new Attempt(clock.Elapsed, key.Kid, success, error));
                try
                {
                    await Task.Delay(50, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        try
        {
            await WaitForAsync(() => attempts.Count(a => a.Kid == oldKid) >= 3);
            TimeSpan started = clock.Elapsed;
            RotationStartOptions options = tenant.Start(ClientId);
            options.KeyPath = keyPath;
            TimeSpan? deployedAt = null;

            ClientCredentialRotation rotation = await tenant.Rotator().InvokeAsync(
                options,
                async (r, ct) =>
                {
                    // Both keys are attached now: the application still on the old key keeps working.
                    TimeSpan deploying = clock.Elapsed;
                    await WaitForAsync(() => attempts.Any(a => a.Kid == oldKid && a.At > deploying));

                    // Deploy: the application reads the new key from the file the rotation wrote.
                    RotationKey fromFile = KeyImporter.FromFile(r.KeyPath!);
                    Assert.Equal(r.NewKid, fromFile.Kid);
                    deployedAt = clock.Elapsed;
                    Volatile.Write(ref held, fromFile);
                    await WaitForAsync(() => attempts.Count(a => a.Kid == r.NewKid && a.Success) >= 2);
                },
                keepPrevious: false,
                CancellationToken.None);
            TimeSpan completed = clock.Elapsed;
            await WaitForAsync(() => attempts.Count(a => a.At > completed) >= 3);

            Assert.Equal(RotationPhase.Completed, rotation.Phase);
            Attempt[] all = attempts.ToArray();
            Assert.True(all.All(a => a.Success), "Failed token requests:\n" + string.Join("\n", all.Where(a => !a.Success)));
            Assert.Contains(all, a => a.Kid == oldKid && a.At > started);
            Assert.Contains(all, a => a.Kid == rotation.NewKid && a.At < completed);
            Assert.All(all.Where(a => a.At > completed), a => Assert.Equal(rotation.NewKid, a.Kid));
            Assert.NotNull(deployedAt);
            Assert.Equal(new[] { rotation.NewKid }, (await tenant.ClientAsync(ClientId)).AttachedKids);
            Assert.False((await tenant.TokenAsync(ClientId, tenant[ClientId].AttachedKeys[0])).Success);
        }
        finally
        {
            stop.Cancel();
            await worker;
            File.Delete(keyPath);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var timeout = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(timeout.Elapsed < TimeSpan.FromSeconds(15), "Timed out waiting for the token worker.");
            await Task.Delay(10);
        }
    }
}
