using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>
/// 200 rotations while the emulator fails 20% of the Management API client/credential calls and
/// token requests (500, 503, 429, connection reset, and a change applied whose answer is lost):
/// every rotation converges when run again, no client is locked out, and nothing is left behind.
/// </summary>
public sealed class FaultTests
{
    private const int Clients = 20;
    private const int Rounds = 10;
    private const int AttemptsPerRotation = 8;
    private const double FaultRate = 0.20;
    private static readonly string[] Kinds = { "status500", "status503", "status429", "reset", "commitThenFail" };
    private static readonly string[] Paths = { "* /api/v2/clients/*", "* /api/v2/clients/*/credentials", "* /api/v2/clients/*/credentials/*", "POST /oauth/token" };

    private readonly ITestOutputHelper _output;

    public FaultTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>One rule per path and kind; the first that fires wins, so each rule gets p with 1-(1-p)^5 = 20% per request.</summary>
    private static JsonArray Rules()
    {
        double p = 1 - Math.Pow(1 - FaultRate, 1.0 / Kinds.Length);
        var rules = new JsonArray();
        foreach (string path in Paths)
        {
            foreach (string kind in Kinds)
            {
                var rule = new JsonObject { ["match"] = path, ["kind"] = kind, ["probability"] = Math.Round(p, 4) };
                if (kind == "commitThenFail")
                {
                    rule["then"] = "status500";
                }

                rules.Add(rule);
            }
        }

        return rules;
    }

    [Fact]
    public async Task Two_hundred_rotations_under_20_percent_faults_converge_with_no_lockout_and_no_leftover_credential()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(
            s =>
            {
                for (int i = 0; i < Clients; i++)
                {
                    s.AddPrivateKeyJwtClient("app-fault-" + i.ToString("D2", CultureInfo.InvariantCulture));
                }
            },
            o =>
            {
                o.FaultSeed = 4242;
                o.RateReportLimit = 100000;
            });
        var watch = Stopwatch.StartNew();

        // Each client alternates between its seeded key and one more (A→B→A…): a key comes back only
        // after the rotation that retired it deleted it, so every rotation adds a kid the server
        // does not hold.
        RotationKey[][] cycles = tenant.Clients.Select(c => new[] { c.NewKey(), c.AttachedKeys[0] }).ToArray();
        _output.WriteLine($"keys ready in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();

        // One connection per client, as 20 runbooks would have: after a 429 a connection pauses all
        // its callers for Retry-After, which on one shared connection would serialize the whole run.
        // Each connection's handler reads its client from the snapshot after every answered write
        // (a commitThenFail change included): never 0 and never more than 2 attached.
        var violations = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int observed = 0;
        RequestRecorder[] recorders = Enumerable.Range(0, Clients).Select(c =>
        {
            string clientId = "app-fault-" + c.ToString("D2", CultureInfo.InvariantCulture);
            return new RequestRecorder
            {
                AfterStep = async (request, step) =>
                {
                    if (request.IsManagementWrite)
                    {
                        Interlocked.Increment(ref observed);
                        ClientView view = await tenant.ClientAsync(clientId);
                        if (view.AttachedKids.Count is < 1 or > 2)
                        {
                            violations.Enqueue($"{clientId} after {request}: {view.Shape}");
                        }
                    }
                },
            };
        }).ToArray();
        Auth0Connection[] connections = await Task.WhenAll(recorders.Select(r => tenant.ConnectAsync(tenant.Server.ManagementClientId, tenant.Server.ManagementClientSecret, r)));
        await tenant.SetFaultsAsync(Rules());
        var finalKeys = new RotationKey[Clients];
        int reruns = 0;
        var failures = new List<string>();

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            string clientId = "app-fault-" + c.ToString("D2", CultureInfo.InvariantCulture);
            for (int round = 0; round < Rounds; round++)
            {
                RotationKey key = cycles[c][round % 2];
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        ClientCredentialRotation rotation = await tenant.Rotator(connection: connections[c]).InvokeAsync(tenant.Start(clientId, key), (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);
                        Assert.Equal(RotationPhase.Completed, rotation.Phase);
                        break;
                    }
                    catch (PsCredRotateException e) when (attempt < AttemptsPerRotation)
                    {
                        // Run it again with the same key, as a runbook would.
                        Interlocked.Increment(ref reruns);
                        lock (failures)
                        {
                            failures.Add($"{clientId} round {round} attempt {attempt}: {e.ErrorId}");
                        }
                    }
                }

                finalKeys[c] = key;
            }
        })));

        TimeSpan rotating = watch.Elapsed;
        JsonArray fired = await tenant.FaultsAsync();
        int hits = fired.Sum(r => r!["hits"]?.GetValue<int>() ?? 0);
        await tenant.SetFaultsAsync(new JsonArray());
        _output.WriteLine($"{Clients * Rounds} rotations in {rotating.TotalSeconds:F1} s; {hits} faults injected; {reruns} reruns");
        foreach (string failure in failures.Take(20))
        {
            _output.WriteLine(failure);
        }

        Assert.True(hits > 100, $"Only {hits} faults fired; the test did not exercise them.");
        _output.WriteLine($"{observed} answered writes observed");
        Assert.True(observed >= Clients * Rounds * 4, $"Only {observed} writes were observed.");
        Assert.True(violations.IsEmpty, "Moments with 0 or more than 2 attached:\n" + string.Join("\n", violations.Take(20)));
        int lockouts = 0;
        int leftovers = 0;
        var problems = new List<string>();
        for (int c = 0; c < Clients; c++)
        {
            string clientId = "app-fault-" + c.ToString("D2", CultureInfo.InvariantCulture);
            ClientView view = await tenant.ClientAsync(clientId);
            (bool works, string? error) = await tenant.TokenAsync(clientId, finalKeys[c]);
            if (!works || !view.AttachedKids.Contains(finalKeys[c].Kid))
            {
                lockouts++;
                problems.Add($"{clientId}: final key {finalKeys[c].Kid} does not work ({error}): {view.Shape}");
            }

            int leftover = view.StoredKids.Count(k => k != finalKeys[c].Kid);
            if (leftover > 0)
            {
                leftovers += leftover;
                problems.Add($"{clientId}: {leftover} leftover credential(s): {view.Shape}");
            }
        }

        Assert.True(lockouts == 0 && leftovers == 0, $"{lockouts} lockouts, {leftovers} leftover credentials:\n{string.Join("\n", problems)}");
        foreach (Auth0Connection connection in connections)
        {
            connection.Dispose();
        }

        foreach (RequestRecorder recorder in recorders)
        {
            recorder.Dispose();
        }

        foreach (RotationKey[] cycle in cycles)
        {
            cycle[0].Dispose();
        }
    }
}
