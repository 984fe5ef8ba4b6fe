using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// <c>--emulator-throughput</c>: requests per second the Auth0 emulator serves on loopback, for the
/// token endpoint (client secret), the token endpoint (private_key_jwt) and credential CRUD
/// (create + get + delete cycles, each request counted). Starts the emulator as a process (its
/// built PsCredRotate.Emulator.dll, Release preferred; or <c>--emulator-dll PATH</c>), or measures a
/// running one (<c>--emulator-url URL</c>, default tenant). Options: <c>--workers N</c> (default 16
/// concurrent HttpClient workers), <c>--seconds S</c> (measured window per scenario, default 5),
/// <c>--warmup S</c> (default 2), <c>--scenario secret|pkjwt|crud</c> (repeatable; default all three,
/// in that order). A report, not a gate: it exits 0 when the measurement ran.
/// Target (issue 3): at least 2,000 requests/s for each scenario, so the emulator is never the
/// bottleneck of the rotation benchmarks.
/// </summary>
internal static class EmulatorThroughput
{
    public const string Switch = "--emulator-throughput";

    private const double Target = 2000;
    private const string ManagementClientId = "emulator-management-client";
    private const string ManagementClientSecret = "emulator-management-secret-change-me";
    private const string SampleClientId = "emulator-sample-m2m";
    private const string SampleAudience = "https://api.example.com";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        int workers = ReadInt(args, "--workers", 16);
        int seconds = ReadInt(args, "--seconds", 5);
        int warmup = ReadInt(args, "--warmup", 2);
        string? url = ReadString(args, "--emulator-url");
        var scenarios = new HashSet<string>(args.Select((a, i) => (a, i)).Where(x => x.a == "--scenario" && x.i + 1 < args.Length).Select(x => args[x.i + 1]), StringComparer.Ordinal);
        if (scenarios.Count == 0)
        {
            scenarios.UnionWith(new[] { "secret", "pkjwt", "crud" });
        }
        EmulatorProcess? emulator = null;
        try
        {
            if (url is null)
            {
                string dll = ReadString(args, "--emulator-dll") ?? EmulatorProcess.FindDll();
                Console.WriteLine($"Starting the emulator: dotnet {dll}");
                emulator = EmulatorProcess.Start(dll);
                url = emulator.Url;
            }

            Process? process = emulator?.Process;

            Console.WriteLine($"Emulator at {url}; {workers} workers; {warmup} s warm-up, {seconds} s measured per scenario; {Environment.ProcessorCount} logical CPUs.");
            var results = RunAll(new Uri(url.TrimEnd('/') + "/"), process, scenarios, workers, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
            Console.WriteLine();
            Console.WriteLine($"{"Scenario",-36} {"requests",9} {"errors",7} {"req/s",9}  target {Target.ToString("N0", Inv)} req/s");
            foreach ((string name, long requests, long errors, double perSecond) in results)
            {
                Console.WriteLine($"{name,-36} {requests,9} {errors,7} {perSecond.ToString("F0", Inv),9}  {(perSecond >= Target && errors == 0 ? "met" : "missed")}");
            }

            return 0;
        }
        finally
        {
            emulator?.Dispose();
        }
    }

    private static async Task<List<(string, long, long, double)>> RunAll(Uri baseAddress, Process? emulator, HashSet<string> scenarios, int workers, TimeSpan warmup, TimeSpan measured)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = workers * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        string tenant = "https://" + baseAddress.Authority + "/";
        string token = await TokenAsync(http, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ManagementClientId,
            ["client_secret"] = ManagementClientSecret,
            ["audience"] = tenant + "api/v2/",
        }).ConfigureAwait(false);
        var results = new List<(string, long, long, double)>();

        if (scenarios.Contains("secret"))
        {
            await SecretScenarioAsync(http, emulator, tenant, workers, warmup, measured, results).ConfigureAwait(false);
        }

        if (scenarios.Contains("pkjwt"))
        {
            await PrivateKeyJwtScenarioAsync(http, emulator, token, tenant, workers, warmup, measured, results).ConfigureAwait(false);
        }

        if (scenarios.Contains("crud"))
        {
            await CrudScenarioAsync(http, emulator, token, workers, warmup, measured, results).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>1. Token endpoint, client_secret_post (the management client).</summary>
    private static async Task SecretScenarioAsync(HttpClient http, Process? emulator, string tenant, int workers, TimeSpan warmup, TimeSpan measured, List<(string, long, long, double)> results)
    {
        var secretForm = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ManagementClientId,
            ["client_secret"] = ManagementClientSecret,
            ["audience"] = tenant + "api/v2/",
        };
        results.Add(await MeasureAsync(emulator, "token, client secret", workers, warmup, measured, async _ =>
        {
            using var content = new FormUrlEncodedContent(secretForm);
            using HttpResponseMessage r = await http.PostAsync(new Uri("oauth/token", UriKind.Relative), content).ConfigureAwait(false);
            await r.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return r.StatusCode == System.Net.HttpStatusCode.OK ? 1 : -1;
        }).ConfigureAwait(false));
    }

    /// <summary>
    /// 2. Token endpoint, private_key_jwt: the sample client gets a credential attached; every request
    /// carries a fresh assertion (jti is single-use), signed ahead so the load generator's RSA work
    /// stays out of the window as far as the pool lasts.
    /// </summary>
    private static async Task PrivateKeyJwtScenarioAsync(HttpClient http, Process? emulator, string token, string tenant, int workers, TimeSpan warmup, TimeSpan measured, List<(string, long, long, double)> results)
    {
        using RSA key = RSA.Create(2048);
        string credentialId = (await SendAsync(http, token, HttpMethod.Post, $"api/v2/clients/{SampleClientId}/credentials",
            new JsonObject { ["credential_type"] = "public_key", ["name"] = "throughput", ["pem"] = key.ExportSubjectPublicKeyInfoPem(), ["alg"] = "RS256" }).ConfigureAwait(false))["id"]!.GetValue<string>();
        await SendAsync(http, token, HttpMethod.Patch, $"api/v2/clients/{SampleClientId}", new JsonObject
        {
            ["client_authentication_methods"] = new JsonObject { ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(new JsonObject { ["id"] = credentialId }) } },
            ["token_endpoint_auth_method"] = null,
        }).ConfigureAwait(false);
        int poolSize = (int)Math.Min(40_000, Target * 4 * (warmup + measured).TotalSeconds);
        Console.WriteLine($"Signing {poolSize} client assertions ahead...");
        var assertions = new ConcurrentQueue<string>(Enumerable.Range(0, poolSize).AsParallel().Select(_ => Assertion(key, tenant)));
        long signedInWindow = 0;
        results.Add(await MeasureAsync(emulator, "token, private_key_jwt", workers, warmup, measured, async _ =>
        {
            if (!assertions.TryDequeue(out string? assertion))
            {
                Interlocked.Increment(ref signedInWindow);
                assertion = Assertion(key, tenant);
            }

            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = SampleClientId,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
                ["audience"] = SampleAudience,
            });
            using HttpResponseMessage r = await http.PostAsync(new Uri("oauth/token", UriKind.Relative), content).ConfigureAwait(false);
            await r.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return r.StatusCode == System.Net.HttpStatusCode.OK ? 1 : -1;
        }).ConfigureAwait(false));
        if (signedInWindow > 0)
        {
            Console.WriteLine($"({signedInWindow} assertions were signed during the run: the pool ran out.)");
        }
    }

    /// <summary>
    /// 3. Credential CRUD: one client per worker (a client holds at most 4 credentials); each cycle
    /// creates, reads and deletes a credential: three requests.
    /// </summary>
    private static async Task CrudScenarioAsync(HttpClient http, Process? emulator, string token, int workers, TimeSpan warmup, TimeSpan measured, List<(string, long, long, double)> results)
    {
        var clients = new string[workers];
        var pems = new string[workers];
        for (int w = 0; w < workers; w++)
        {
            clients[w] = (await SendAsync(http, token, HttpMethod.Post, "api/v2/clients",
                new JsonObject { ["name"] = $"throughput-{w}", ["app_type"] = "non_interactive", ["grant_types"] = new JsonArray("client_credentials") }).ConfigureAwait(false))["client_id"]!.GetValue<string>();
            using RSA k = RSA.Create(2048);
            pems[w] = k.ExportSubjectPublicKeyInfoPem();
        }

        results.Add(await MeasureAsync(emulator, "credential CRUD (create+get+delete)", workers, warmup, measured, async w =>
        {
            string path = $"api/v2/clients/{clients[w]}/credentials";
            using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
            {
                Content = new StringContent(new JsonObject { ["credential_type"] = "public_key", ["name"] = "cycle", ["pem"] = pems[w] }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage created = await http.SendAsync(create).ConfigureAwait(false);
            byte[] body = await created.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (created.StatusCode != System.Net.HttpStatusCode.Created)
            {
                return -1;
            }

            string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
            using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(path + "/" + id, UriKind.Relative));
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage got = await http.SendAsync(get).ConfigureAwait(false);
            await got.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            using var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri(path + "/" + id, UriKind.Relative));
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage deleted = await http.SendAsync(delete).ConfigureAwait(false);
            return got.IsSuccessStatusCode && deleted.IsSuccessStatusCode ? 3 : -1;
        }).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs <paramref name="workers"/> loops of <paramref name="step"/> (which returns the number of
    /// requests it made, or -1 for a failed step) for the warm-up, then counts for the measured window.
    /// </summary>
    private static async Task<(string, long, long, double)> MeasureAsync(Process? emulator, string name, int workers, TimeSpan warmup, TimeSpan measured, Func<int, Task<int>> step)
    {
        Console.WriteLine($"Measuring {name}...");
        long requests = 0;
        long errors = 0;
        int counting = 0;
        using var stop = new CancellationTokenSource();
        Task[] loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                int n = await step(w).ConfigureAwait(false);
                if (Volatile.Read(ref counting) == 1)
                {
                    if (n < 0)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    else
                    {
                        Interlocked.Add(ref requests, n);
                    }
                }
            }
        })).ToArray();
        await Task.Delay(warmup).ConfigureAwait(false);
        TimeSpan emulatorCpu = EmulatorCpu(emulator);
        TimeSpan ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref counting, 1);
        await Task.Delay(measured).ConfigureAwait(false);
        Volatile.Write(ref counting, 0);
        double elapsed = clock.Elapsed.TotalSeconds;
        long counted = Interlocked.Read(ref requests);
        double emulatorSeconds = (EmulatorCpu(emulator) - emulatorCpu).TotalSeconds;
        double ownSeconds = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalSeconds;
        if (emulator is not null && counted > 0)
        {
            // Where the machine's CPU went: the emulator's share, and what it would serve with all cores.
            Console.WriteLine($"  emulator CPU {emulatorSeconds.ToString("F2", Inv)} s, load generator CPU {ownSeconds.ToString("F2", Inv)} s in {elapsed.ToString("F2", Inv)} s; "
                + $"{(emulatorSeconds * 1e6 / counted).ToString("F0", Inv)} us emulator CPU per request, "
                + $"{(counted / emulatorSeconds * Environment.ProcessorCount).ToString("F0", Inv)} req/s if the emulator had all {Environment.ProcessorCount} CPUs");
        }
        stop.Cancel();
        await Task.WhenAll(loops).ConfigureAwait(false);
        return (name, counted, Interlocked.Read(ref errors), counted / elapsed);
    }

    private static TimeSpan EmulatorCpu(Process? emulator)
    {
        if (emulator is null)
        {
            return TimeSpan.Zero;
        }

        emulator.Refresh();
        return emulator.TotalProcessorTime;
    }

    private static string Assertion(RSA key, string tenant)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string header = B64(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"));
        string payload = B64(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = SampleClientId,
            ["sub"] = SampleClientId,
            ["aud"] = tenant,
            ["iat"] = now,
            ["exp"] = now + 240,
            ["jti"] = Guid.NewGuid().ToString(),
        }.ToJsonString()));
        string input = header + "." + payload;
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<string> TokenAsync(HttpClient http, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using HttpResponseMessage r = await http.PostAsync(new Uri("oauth/token", UriKind.Relative), content).ConfigureAwait(false);
        string body = await r.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The management token request answered {(int)r.StatusCode}.");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, string token, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage r = await http.SendAsync(request).ConfigureAwait(false);
        string text = await r.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)r.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }

    private static int ReadInt(string[] args, string name, int fallback) => EmulatorProcess.ReadInt(args, name, fallback);

    private static string? ReadString(string[] args, string name) => EmulatorProcess.ReadString(args, name);
}
