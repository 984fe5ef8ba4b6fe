using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// kill -9 during a burst of writes with --state: after a restart on the same file every write the
/// emulator acknowledged (2xx) is there, and the file is whole JSON.
/// </summary>
public sealed class KillNineDurabilityTests
{
    private const int Clients = 8;
    private const int CredentialsPerClient = 4;
    private const int KillAfterAcknowledgedWrites = 30;

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesAKillNineMidBurstAndTheStateFileParses()
    {
        string directory = Path.Combine(Path.GetTempPath(), "pscredrotate-kill9-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string state = Path.Combine(directory, "state.json");
        RSA[] keys = Enumerable.Range(0, Clients * CredentialsPerClient).Select(_ => RSA.Create(2048)).ToArray();
        try
        {
            var clientIds = new List<string>();
            var created = new ConcurrentDictionary<string, (string ClientId, string Kid)>();
            var patched = new ConcurrentDictionary<string, string>();
            int acknowledged = 0;
            using (EmulatorChildProcess first = await EmulatorChildProcess.StartAsync("--state", state))
            {
                using var bootstrap = new HttpClient { BaseAddress = first.BaseAddress };
                string token = await ConformanceClient.ManagementTokenAsync(bootstrap);
                using HttpClient http = ConformanceClient.ManagementHttp(first.BaseAddress, token);
                for (int c = 0; c < Clients; c++)
                {
                    JsonNode client = await ConformanceClient.SendOkAsync(http, HttpMethod.Post, "/api/v2/clients",
                        $$"""{"name":"kill9-{{c}}","app_type":"non_interactive","grant_types":["client_credentials"]}""");
                    clientIds.Add(client["client_id"]!.GetValue<string>());
                }

                // One writer per client: create each credential, then move its expiry; the process is
                // killed from outside once enough writes were acknowledged, whatever is in flight.
                using var killed = new CancellationTokenSource();
                Task[] writers = clientIds.Select((clientId, c) => Task.Run(async () =>
                {
                    for (int k = 0; k < CredentialsPerClient && !killed.IsCancellationRequested; k++)
                    {
                        RSA key = keys[(c * CredentialsPerClient) + k];
                        try
                        {
                            (int status, string body) = await ConformanceClient.SendAsync(http, HttpMethod.Post, $"/api/v2/clients/{clientId}/credentials",
                                new JsonObject { ["credential_type"] = "public_key", ["name"] = $"k{k}", ["pem"] = ConformanceClient.PublicPem(key) }.ToJsonString());
                            if (status != 201)
                            {
                                throw new InvalidOperationException($"create answered {status}: {body}");
                            }

                            JsonNode credential = JsonNode.Parse(body)!;
                            string id = credential["id"]!.GetValue<string>();
                            created[id] = (clientId, credential["kid"]!.GetValue<string>());
                            Interlocked.Increment(ref acknowledged);

                            string expiry = new DateTimeOffset(2090 + c, 1 + k, 1, 0, 0, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                            (status, body) = await ConformanceClient.SendAsync(http, HttpMethod.Patch, $"/api/v2/clients/{clientId}/credentials/{id}",
                                new JsonObject { ["expires_at"] = expiry }.ToJsonString());
                            if (status != 200)
                            {
                                throw new InvalidOperationException($"patch answered {status}: {body}");
                            }

                            patched[id] = expiry;
                            Interlocked.Increment(ref acknowledged);
                        }
                        catch (HttpRequestException) when (killed.IsCancellationRequested)
                        {
                            return; // the write in flight when the process died: not acknowledged.
                        }
                        catch (TaskCanceledException) when (killed.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                })).ToArray();

                while (Volatile.Read(ref acknowledged) < KillAfterAcknowledgedWrites && !writers.All(w => w.IsCompleted))
                {
                    await Task.Delay(1);
                }

                killed.Cancel();
                first.KillHard();
                await Task.WhenAll(writers);
            }

            Assert.True(created.Count > 0 && patched.Count > 0, "The burst acknowledged writes before the kill.");
            using (JsonDocument.Parse(File.ReadAllText(state)))
            {
                // The state file left by the kill is whole JSON.
            }

            using EmulatorChildProcess second = await EmulatorChildProcess.StartAsync("--state", state);
            using var client2 = new HttpClient { BaseAddress = second.BaseAddress };
            using HttpClient http2 = ConformanceClient.ManagementHttp(second.BaseAddress, await ConformanceClient.ManagementTokenAsync(client2));
            var lost = new List<string>();
            foreach (string clientId in clientIds)
            {
                (int status, _) = await ConformanceClient.SendAsync(http2, HttpMethod.Get, $"/api/v2/clients/{clientId}");
                if (status != 200)
                {
                    lost.Add($"client {clientId}: GET answered {status}");
                }
            }

            foreach ((string id, (string clientId, string kid)) in created)
            {
                (int status, string body) = await ConformanceClient.SendAsync(http2, HttpMethod.Get, $"/api/v2/clients/{clientId}/credentials/{id}");
                if (status != 200)
                {
                    lost.Add($"credential {id}: GET answered {status}");
                    continue;
                }

                JsonNode credential = JsonNode.Parse(body)!;
                if (credential["kid"]?.GetValue<string>() != kid)
                {
                    lost.Add($"credential {id}: kid {credential["kid"]}, acknowledged {kid}");
                }

                if (patched.TryGetValue(id, out string? expiry) && credential["expires_at"]?.GetValue<string>() != expiry)
                {
                    lost.Add($"credential {id}: expires_at {credential["expires_at"]?.ToJsonString() ?? "missing"}, acknowledged {expiry}");
                }
            }

            Assert.True(lost.Count == 0, $"{created.Count} creates and {patched.Count} patches acknowledged; lost:\n" + string.Join("\n", lost));
        }
        finally
        {
            foreach (RSA key in keys)
            {
                key.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }
}
