using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.SigningKeys;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.SigningKeys;

/// <summary>Get, revoke and policy-rotate the emulator tenant's signing keys over real HTTP; every refusal leaves the tenant as it was and sends no write.</summary>
public sealed class SigningKeyIntegrationTests
{
    /// <summary>The emulator's clock offset, which the connection's clock follows (as a client on a synchronised host would).</summary>
    private TimeSpan _offset;

    private async Task<(EmulatorServer Server, Auth0Connection Connection, RequestRecorder Recorder)> StartAsync()
    {
        EmulatorServer server = await EmulatorServer.StartAsync();
        var recorder = new RequestRecorder();
        Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o =>
        {
            o.Handler = recorder;
            o.Clock = () => DateTimeOffset.UtcNow + _offset;
        });
        return (server, connection, recorder);
    }

    private async Task AdvanceAsync(EmulatorServer server, TimeSpan by)
    {
        await Auth0Emulator.AdvanceClockAsync(server, by);
        _offset += by;
    }

    private static SigningKeyManager Manager(Auth0Connection connection, IRotationHost? host = null) => new(connection.Management, host ?? new UnattendedRotationHost());

    private static async Task<string[]> JwksKidsAsync(EmulatorServer server)
    {
        JsonNode jwks = JsonNode.Parse(await server.Admin.GetStringAsync(".well-known/jwks.json"))!;
        return jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToArray();
    }

    [Fact]
    public async Task A_new_tenant_has_a_current_and_a_next_key_with_their_certificate_expiry()
    {
        (EmulatorServer server, Auth0Connection connection, _) = await StartAsync();
        await using (server)
        using (connection)
        {
            IReadOnlyList<SigningKey> keys = await Manager(connection).GetAsync(null, null, CancellationToken.None);

            Assert.Equal(new[] { SigningKeyState.Current, SigningKeyState.Next }, keys.Select(k => k.State).OrderBy(s => s));
            SigningKey current = keys.Single(k => k.State == SigningKeyState.Current);
            Assert.NotNull(current.CurrentSince);
            Assert.InRange(current.NotAfter!.Value, DateTimeOffset.UtcNow.AddYears(9), DateTimeOffset.UtcNow.AddYears(11));
            Assert.Equal(40, current.Thumbprint.Length);
            Assert.Equal(current.Thumbprint, current.Fingerprint.Replace(":", string.Empty, StringComparison.Ordinal));
            Assert.Equal(server.Domain, current.Tenant);
            Assert.Equal(keys.Select(k => k.Kid).OrderBy(k => k, StringComparer.Ordinal), (await JwksKidsAsync(server)).OrderBy(k => k, StringComparer.Ordinal));

            SigningKey byKid = Assert.Single(await Manager(connection).GetAsync(current.Kid, null, CancellationToken.None));
            Assert.Equal(current.Kid, byKid.Kid);
            Assert.Equal(current.NotAfter, byKid.NotAfter);
        }
    }

    [Fact]
    public async Task An_unknown_kid_is_SigningKeyNotFound()
    {
        (EmulatorServer server, Auth0Connection connection, _) = await StartAsync();
        await using (server)
        using (connection)
        {
            var ex = await Assert.ThrowsAsync<PsCredRotate.Core.Http.ApiException>(() => Manager(connection).GetAsync("no-such-kid", null, CancellationToken.None));
            Assert.Equal(ErrorIds.SigningKeyNotFound, ex.ErrorId);
        }
    }

    [Fact]
    public async Task Revoking_the_current_or_next_key_or_a_previous_key_inside_retention_is_refused_with_no_write_and_no_change()
    {
        (EmulatorServer server, Auth0Connection connection, RequestRecorder recorder) = await StartAsync();
        await using (server)
        using (connection)
        {
            SigningKeyManager manager = Manager(connection);
            IReadOnlyList<SigningKey> initial = await manager.GetAsync(null, null, CancellationToken.None);
            string current = initial.Single(k => k.State == SigningKeyState.Current).Kid;
            string next = initial.Single(k => k.State == SigningKeyState.Next).Kid;
            await manager.InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None);
            await AdvanceAsync(server, TimeSpan.FromDays(3));
            string before = await server.SnapshotTextAsync();
            recorder.Clear();

            var cases = new (string? Kid, string ErrorId)[]
            {
                (next, ErrorIds.SigningKeyIsCurrent),
                ((await manager.GetAsync(null, new[] { SigningKeyState.Next }, CancellationToken.None)).Single().Kid, ErrorIds.SigningKeyIsNext),
                (current, ErrorIds.SigningKeyInRetention),
                (null, ErrorIds.SigningKeyInRetention),
                ("no-such-kid", ErrorIds.SigningKeyNotFound),
            };
            foreach ((string? kid, string errorId) in cases)
            {
                PsCredRotateException ex = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => manager.RevokeAsync(kid, TimeSpan.FromDays(7), force: false, CancellationToken.None));
                Assert.Equal(errorId, ex.ErrorId);
            }

            Assert.DoesNotContain(recorder.Requests, r => r.IsManagementWrite);
            Assert.Equal(before, await server.SnapshotTextAsync());
        }
    }

    [Fact]
    public async Task A_previous_key_past_retention_is_revoked_and_leaves_the_JWKS()
    {
        (EmulatorServer server, Auth0Connection connection, _) = await StartAsync();
        await using (server)
        using (connection)
        {
            SigningKeyManager manager = Manager(connection);
            SigningKeyRotationResult rotated = (await manager.InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None))!;
            string previous = Assert.Single(rotated.PreviousKids);
            Assert.Contains(previous, await JwksKidsAsync(server));
            await AdvanceAsync(server, TimeSpan.FromDays(8));

            SigningKey revoked = Assert.Single(await manager.RevokeAsync(null, TimeSpan.FromDays(7), force: false, CancellationToken.None));

            Assert.Equal(previous, revoked.Kid);
            Assert.Equal(SigningKeyState.Revoked, revoked.State);
            Assert.NotNull(revoked.RevokedAt);
            Assert.DoesNotContain(previous, await JwksKidsAsync(server));
            Assert.Equal(ErrorIds.SigningKeyAlreadyRevoked, (await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RevokeAsync(previous, TimeSpan.FromDays(7), false, CancellationToken.None))).ErrorId);
        }
    }

    [Fact]
    public async Task Force_revokes_inside_the_retention_period()
    {
        (EmulatorServer server, Auth0Connection connection, _) = await StartAsync();
        await using (server)
        using (connection)
        {
            SigningKeyManager manager = Manager(connection);
            string previous = Assert.Single((await manager.InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None))!.PreviousKids);

            Assert.Equal(SigningKeyState.Revoked, Assert.Single(await manager.RevokeAsync(previous, TimeSpan.FromDays(7), force: true, CancellationToken.None)).State);
        }
    }

    /// <summary>
    /// The documented schedule: RotateAfter 90 d, PropagationTime 2 d, RetentionPeriod 14 d,
    /// RevokePrevious. The tenant was created 100 days before day 0, so day 0 rotates; days 1 and 3
    /// wait for the retention of the key that became previous on day 0; day 15 revokes it; day 91
    /// rotates again (the key made current on day 0 is 91 days old).
    /// </summary>
    [Fact]
    public async Task A_scheduled_run_on_days_0_1_3_15_91_rotates_waits_waits_revokes_rotates()
    {
        (EmulatorServer server, Auth0Connection connection, RequestRecorder recorder) = await StartAsync();
        await using (server)
        using (connection)
        {
            var policy = new SigningKeyPolicy
            {
                RotateAfter = TimeSpan.FromDays(90),
                PropagationTime = TimeSpan.FromDays(2),
                RetentionPeriod = TimeSpan.FromDays(14),
                RevokePrevious = true,
            };
            SigningKeyManager manager = Manager(connection);
            IReadOnlyList<SigningKey> seeded = await manager.GetAsync(null, null, CancellationToken.None);
            string k1 = seeded.Single(k => k.State == SigningKeyState.Current).Kid;
            string k2 = seeded.Single(k => k.State == SigningKeyState.Next).Kid;
            await AdvanceAsync(server, TimeSpan.FromDays(100));

            var runs = new List<(int Day, SigningKeyRotationResult Result, string[] Writes)>();
            int today = 0;
            foreach (int day in new[] { 0, 1, 3, 15, 91 })
            {
                await AdvanceAsync(server, TimeSpan.FromDays(day - today));
                today = day;
                recorder.Clear();
                SigningKeyRotationResult result = (await manager.InvokeAsync(policy, false, Array.Empty<Uri>(), CancellationToken.None))!;
                runs.Add((day, result, recorder.Requests.Where(r => r.IsManagementWrite).Select(r => r.Method + " " + r.Path).ToArray()));
            }

            Assert.Equal(
                new[] { SigningKeyAction.Rotated, SigningKeyAction.Waited, SigningKeyAction.Waited, SigningKeyAction.Revoked, SigningKeyAction.Rotated },
                runs.Select(r => r.Result.Action));

            // Day 0: K2 becomes current, K1 previous.
            Assert.Equal(new[] { "POST /api/v2/keys/signing/rotate" }, runs[0].Writes);
            Assert.Equal(k2, runs[0].Result.CurrentKid);
            Assert.Equal(new[] { k1 }, runs[0].Result.PreviousKids);
            string k3 = runs[0].Result.NextKid!;

            // Days 1 and 3: nothing written; K1 waits for its retention until day 14.
            foreach (int i in new[] { 1, 2 })
            {
                Assert.Empty(runs[i].Writes);
                Assert.Contains($"previous key {k1} has been previous for {runs[i].Day} d", runs[i].Result.Reason, StringComparison.Ordinal);
                Assert.Contains("less than RotateAfter 90 d", runs[i].Result.Reason, StringComparison.Ordinal);
            }

            // Day 15: K1 revoked, no rotation.
            Assert.Equal(new[] { $"PUT /api/v2/keys/signing/{k1}/revoke" }, runs[3].Writes);
            Assert.Equal(new[] { k1 }, runs[3].Result.RevokedKids);
            Assert.Equal(SigningKeyState.Revoked, runs[3].Result.Keys.Single(k => k.Kid == k1).State);
            Assert.Equal(k2, runs[3].Result.CurrentKid);

            // Day 91: K3 becomes current, K2 previous (not revoked in the same run).
            Assert.Equal(new[] { "POST /api/v2/keys/signing/rotate" }, runs[4].Writes);
            Assert.Equal(k3, runs[4].Result.CurrentKid);
            Assert.Equal(new[] { k2 }, runs[4].Result.PreviousKids);
            Assert.Empty(runs[4].Result.RevokedKids);
        }
    }

    [Fact]
    public async Task PropagationTime_holds_a_rotation_until_the_next_key_has_been_published_long_enough()
    {
        (EmulatorServer server, Auth0Connection connection, RequestRecorder recorder) = await StartAsync();
        await using (server)
        using (connection)
        {
            SigningKeyManager manager = Manager(connection);
            await manager.InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None);
            var policy = new SigningKeyPolicy { PropagationTime = TimeSpan.FromDays(2) };
            await AdvanceAsync(server, TimeSpan.FromDays(1));
            string before = await server.SnapshotTextAsync();
            recorder.Clear();

            SigningKeyRotationResult waited = (await manager.InvokeAsync(policy, false, Array.Empty<Uri>(), CancellationToken.None))!;

            Assert.Equal(SigningKeyAction.Waited, waited.Action);
            Assert.Contains("less than PropagationTime 2 d", waited.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(recorder.Requests, r => r.IsManagementWrite);
            Assert.Equal(before, await server.SnapshotTextAsync());

            await AdvanceAsync(server, TimeSpan.FromDays(1.5));
            Assert.Equal(SigningKeyAction.Rotated, (await manager.InvokeAsync(policy, false, Array.Empty<Uri>(), CancellationToken.None))!.Action);
        }
    }

    [Fact]
    public async Task VerifyJwksUri_passes_when_every_JWKS_serves_the_key_and_refuses_before_any_write_when_one_does_not()
    {
        (EmulatorServer server, Auth0Connection connection, RequestRecorder recorder) = await StartAsync();
        await using (server)
        using (connection)
        await using (StaticJwks stale = StaticJwks.Start("{\"keys\":[{\"kid\":\"some-other-key\"}]}"))
        {
            SigningKeyManager manager = Manager(connection);
            var tenantJwks = new Uri(server.BaseAddress, ".well-known/jwks.json");

            SigningKeyRotationResult ok = (await manager.InvokeAsync(new SigningKeyPolicy(), true, new[] { tenantJwks }, CancellationToken.None))!;
            Assert.Equal(SigningKeyAction.Rotated, ok.Action);
            Assert.Equal(2, ok.VerifiedJwksUris.Count);
            Assert.Contains(ok.CurrentKid!, await JwksKidsAsync(server));

            string before = await server.SnapshotTextAsync();
            recorder.Clear();
            PsCredRotateException ex = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => manager.InvokeAsync(new SigningKeyPolicy(), true, new[] { tenantJwks, stale.Uri }, CancellationToken.None));

            Assert.Equal(ErrorIds.SigningKeyNotPublished, ex.ErrorId);
            Assert.Contains(stale.Uri.AbsoluteUri, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(recorder.Requests, r => r.IsManagementWrite);
            Assert.Equal(before, await server.SnapshotTextAsync());
        }
    }

    [Theory]
    [InlineData("read:signing_keys", "create:signing_keys")]
    [InlineData("read:signing_keys create:signing_keys", "update:signing_keys")]
    public async Task A_client_missing_a_signing_key_scope_gets_InsufficientScope_and_changes_nothing(string granted, string missing)
    {
        string seed = Auth0Emulator.WriteSeed(new JsonObject
        {
            ["clients"] = new JsonArray(new JsonObject
            {
                ["client_id"] = "narrow",
                ["client_secret"] = "narrow-secret",
                ["name"] = "Narrow",
                ["app_type"] = "non_interactive",
                ["token_endpoint_auth_method"] = "client_secret_post",
                ["grant_types"] = new JsonArray("client_credentials"),
            }),
            ["client_grants"] = new JsonArray(new JsonObject
            {
                ["client_id"] = "narrow",
                ["audience"] = "{tenant}/api/v2/",
                ["scope"] = new JsonArray(granted.Split(' ').Select(g => (JsonNode?)g).ToArray()),
            }),
        });
        try
        {
            await using EmulatorServer server = await EmulatorServer.StartAsync(o => o.SeedPath = seed);
            using Auth0Connection connection = Auth0Connection.Create(Auth0Emulator.SecretOptions(server, "narrow", "narrow-secret"));
            await connection.ConnectAsync(CancellationToken.None);
            string before = await server.SnapshotTextAsync();

            var ex = await Assert.ThrowsAsync<PsCredRotate.Core.Http.ApiException>(() => Manager(connection).InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None));

            Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
            Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
            Assert.Equal(before, await server.SnapshotTextAsync());
        }
        finally
        {
            File.Delete(seed);
        }
    }

    /// <summary>A JWKS endpoint that serves a fixed document (a gateway with a stale copy).</summary>
    private sealed class StaticJwks : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;

        private StaticJwks(HttpListener listener, string json)
        {
            _listener = listener;
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    byte[] body = Encoding.UTF8.GetBytes(json);
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public Uri Uri { get; private init; } = null!;

        public static StaticJwks Start(string json)
        {
            for (int attempt = 0; ; attempt++)
            {
                var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                int port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                var listener = new HttpListener();
                string prefix = $"http://127.0.0.1:{port}/";
                listener.Prefixes.Add(prefix);
                try
                {
                    listener.Start();
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                    continue;
                }

                return new StaticJwks(listener, json) { Uri = new Uri(prefix + "gateway/jwks.json") };
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}
