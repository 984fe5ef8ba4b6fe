using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// <c>--bulk-rotation</c>: issue 4's bulk benchmark. Seeds <c>--clients N</c> (default 200)
/// private_key_jwt clients, each with one attached credential and a grant to the sample API, starts
/// the emulator limited to <c>--rate R</c> Management requests/s (default 10) with burst <c>--burst B</c>
/// (default 20), then rotates every client through Core exactly as
/// <c>Get-Auth0Client | Invoke-ClientCredentialRotation -ThrottleLimit T</c> does (one connection,
/// <see cref="BoundedParallel"/>, <c>--throttle T</c>, default 4). Every request is counted by a
/// handler under the connection. Prints the total time against the floor the rate allows
/// (Management requests ÷ rate; the burst lets the first B go at once, so the floor is
/// (requests − B) ÷ rate), requests per rotation, 429 answers and failures. Target: total within
/// 1.15× of the floor, 0 failures; aim at most 6 Management calls and 1 token call per rotation.
/// A report, not a gate: it exits 0 when the measurement ran and every client was rotated.
/// </summary>
internal static class BulkRotationBenchmark
{
    public const string Switch = "--bulk-rotation";

    private const string Audience = "https://api.example.com";
    private const string ManagementClientId = "emulator-management-client";
    private const string ManagementClientSecret = "emulator-management-secret-change-me";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        int clients = EmulatorProcess.ReadInt(args, "--clients", 200);
        double rate = EmulatorProcess.ReadDouble(args, "--rate", 10);
        int burst = EmulatorProcess.ReadInt(args, "--burst", 20);
        int throttle = EmulatorProcess.ReadInt(args, "--throttle", 4);
        string dll = EmulatorProcess.ReadString(args, "--emulator-dll") ?? EmulatorProcess.FindDll();

        string seedPath = Path.Combine(Path.GetTempPath(), $"pscredrotate-bulk-{Environment.ProcessId}.json");
        string[] clientIds = Enumerable.Range(1, clients).Select(i => "bulk-" + i.ToString("D4", Inv)).ToArray();
        File.WriteAllText(seedPath, Seed(clientIds).ToJsonString());
        try
        {
            Console.WriteLine($"Starting the emulator: dotnet {dll} --rate-limit {rate} --rate-burst {burst} ({clients} seeded clients)");
            using EmulatorProcess emulator = EmulatorProcess.Start(dll, new[]
            {
                "--seed", seedPath,
                "--rate-limit", rate.ToString(Inv),
                "--rate-burst", burst.ToString(Inv),
            });
            return RunAsync(emulator.Url, clientIds, rate, burst, throttle).GetAwaiter().GetResult();
        }
        finally
        {
            File.Delete(seedPath);
        }
    }

    private static async Task<int> RunAsync(string url, string[] clientIds, double rate, int burst, int throttle)
    {
        using var counter = new CountingHandler(new SocketsHttpHandler());
        using Auth0Connection connection = Auth0Connection.Create(new Auth0ConnectionOptions
        {
            Domain = url,
            ClientId = ManagementClientId,
            ClientSecret = SecureStrings.FromString(ManagementClientSecret),
            Handler = counter,
        });
        await connection.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        counter.Reset();

        var rotator = new ClientCredentialRotator(connection.CredentialProvider, new UnattendedRotationHost());
        var failures = new ConcurrentBag<(string, Exception)>();
        int done = 0;
        Console.WriteLine($"Rotating {clientIds.Length} clients, throttle {throttle}, emulator limit {rate.ToString(Inv)} req/s burst {burst}...");
        var clock = Stopwatch.StartNew();
        await BoundedParallel.RunAsync(
            clientIds,
            throttle,
            (clientId, ct) => rotator.InvokeAsync(new RotationStartOptions(clientId) { Audience = Audience }, (_, _) => Task.CompletedTask, keepPrevious: false, ct),
            (_, _) =>
            {
                int n = Interlocked.Increment(ref done);
                if (n % 25 == 0)
                {
                    Console.WriteLine($"  {n} rotated after {clock.Elapsed.TotalSeconds.ToString("F1", Inv)} s");
                }
            },
            (clientId, ex) => failures.Add((clientId, ex)),
            CancellationToken.None).ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalSeconds;

        long management = counter.Management;
        double floor = Math.Max(0, management - burst) / rate;
        int rotated = clientIds.Length - failures.Count;
        Console.WriteLine();
        Console.WriteLine($"clients rotated            {rotated} of {clientIds.Length}, failures {failures.Count}");
        Console.WriteLine($"total time                 {elapsed.ToString("F1", Inv)} s");
        Console.WriteLine($"Management requests        {management} ({(management / (double)clientIds.Length).ToString("F2", Inv)} per rotation; aim <= 6)");
        Console.WriteLine($"token requests             {counter.Token} ({(counter.Token / (double)clientIds.Length).ToString("F2", Inv)} per rotation; aim <= 1)");
        Console.WriteLine($"429 answers                {counter.TooMany}");
        Console.WriteLine($"floor (requests-burst)/rate {floor.ToString("F1", Inv)} s; requests/rate {(management / rate).ToString("F1", Inv)} s");
        Console.WriteLine($"ratio to floor             {(elapsed / floor).ToString("F3", Inv)} (target <= 1.15)");
        foreach ((string clientId, Exception ex) in failures.Take(5))
        {
            Console.WriteLine($"  failed {clientId}: {(ex as PsCredRotateException)?.ErrorId} {ex.Message}");
        }

        return failures.IsEmpty ? 0 : 1;
    }

    /// <summary>The tenant: the sample API, and N clients each with one attached RS256 credential (one key serves all: a kid is unique per client only).</summary>
    private static JsonObject Seed(string[] clientIds)
    {
        using RSA key = RSA.Create(2048);
        string pem = key.ExportSubjectPublicKeyInfoPem();
        var clients = new JsonArray();
        var grants = new JsonArray();
        foreach (string id in clientIds)
        {
            clients.Add(new JsonObject
            {
                ["client_id"] = id,
                ["name"] = id,
                ["app_type"] = "non_interactive",
                ["grant_types"] = new JsonArray("client_credentials"),
                ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
                ["client_authentication_methods"] = new JsonObject
                {
                    ["private_key_jwt"] = new JsonObject
                    {
                        ["credentials"] = new JsonArray(new JsonObject { ["credential_type"] = "public_key", ["name"] = "initial", ["pem"] = pem, ["alg"] = "RS256" }),
                    },
                },
            });
            grants.Add(new JsonObject { ["client_id"] = id, ["audience"] = Audience, ["scope"] = new JsonArray("read:data") });
        }

        return new JsonObject
        {
            ["clients"] = clients,
            ["resource_servers"] = new JsonArray(new JsonObject { ["identifier"] = Audience, ["name"] = "Bulk API", ["scopes"] = new JsonArray("read:data") }),
            ["client_grants"] = grants,
        };
    }

    /// <summary>Counts Management API and token requests, and 429 answers.</summary>
    private sealed class CountingHandler : DelegatingHandler
    {
        private long _management;
        private long _token;
        private long _tooMany;

        public CountingHandler(HttpMessageHandler inner)
            : base(inner)
        {
        }

        public long Management => Interlocked.Read(ref _management);

        public long Token => Interlocked.Read(ref _token);

        public long TooMany => Interlocked.Read(ref _tooMany);

        public void Reset()
        {
            Interlocked.Exchange(ref _management, 0);
            Interlocked.Exchange(ref _token, 0);
            Interlocked.Exchange(ref _tooMany, 0);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri?.AbsolutePath ?? string.Empty;
            if (path.StartsWith("/api/v2/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _management);
            }
            else if (path == "/oauth/token")
            {
                Interlocked.Increment(ref _token);
            }

            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref _tooMany);
            }

            return response;
        }
    }
}
