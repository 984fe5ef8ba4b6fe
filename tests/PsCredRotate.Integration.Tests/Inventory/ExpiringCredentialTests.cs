using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Inventory;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Inventory;

/// <summary>Get-ExpiringCredential's engine over real HTTP: a seeded tenant of 300 clients with mixed expiries, under the emulator's rate limit.</summary>
public sealed class ExpiringCredentialTests
{
    [Fact]
    public async Task Over_300_clients_under_the_rate_limit_the_inventory_is_exactly_the_credentials_expiring_within_the_window_soonest_first()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        (JsonObject seed, List<(string ClientId, string Kid, DateTimeOffset ExpiresAt)> expiring) = Seed(300, now, TimeSpan.FromDays(30));
        string seedPath = Path.Combine(Path.GetTempPath(), "pscr-inventory-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(seedPath, seed.ToJsonString());
        try
        {
            await using EmulatorServer server = await EmulatorServer.StartAsync(o =>
            {
                o.SeedPath = seedPath;
                o.RateLimitPerSecond = 50;
                o.RateLimitBurst = 50;
            });
            var recorder = new RequestRecorder();
            using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server, o => o.Handler = recorder);
            var reports = new List<string>();
            var inventory = new ExpiryInventory(new[] { new Auth0ClientCredentialExpirySource(connection) }, () => now);

            IReadOnlyList<ExpiringCredential> found = await inventory.FindAsync(TimeSpan.FromDays(30), new SyncProgress(reports), CancellationToken.None);

            Assert.Equal(
                expiring.OrderBy(e => e.ExpiresAt).ThenBy(e => e.ClientId, StringComparer.Ordinal).Select(e => $"{e.ClientId} {e.Kid} {e.ExpiresAt:O}"),
                found.Select(f => $"{f.ClientId} {f.Kid} {f.ExpiresAt:O}"));
            Assert.All(found, f => Assert.Equal(ExpiringCredentialSource.ClientCredential, f.Source));
            Assert.Contains(found, f => f.DaysLeft < 0);
            Assert.All(found, f => Assert.Equal((int)Math.Floor((f.ExpiresAt - now).TotalDays), f.DaysLeft));
            RecordedRequest[] requests = recorder.Requests.ToArray();
            Assert.All(requests, r => Assert.True(r.Status is >= 200 and < 300, r.ToString()));
            Assert.Equal(301, requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/credentials", StringComparison.Ordinal)));
            Assert.Contains(reports, r => r.Contains("of 301 clients", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(seedPath);
        }
    }

    [Fact]
    public async Task Connection_keys_are_listed_by_their_certificates_NotAfter()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        IReadOnlyList<Core.ConnectionKeys.ConnectionKey> keys = await connection.Management.ListConnectionKeysAsync("con_oidcSample00001", CancellationToken.None);
        var inventory = new ExpiryInventory(new[] { new Auth0ConnectionKeyExpirySource(connection) });

        IReadOnlyList<ExpiringCredential> withinAYear = await inventory.FindAsync(TimeSpan.FromDays(400), null, CancellationToken.None);
        IReadOnlyList<ExpiringCredential> withinAMonth = await inventory.FindAsync(TimeSpan.FromDays(30), null, CancellationToken.None);

        Assert.Equal(2, keys.Count);
        Assert.Equal(
            keys.OrderBy(k => k.NotAfter).ThenBy(k => k.Kid, StringComparer.Ordinal).Select(k => $"{k.Kid} {k.NotAfter:O} {k.State}"),
            withinAYear.Select(f => $"{f.Kid} {f.ExpiresAt:O} {f.Name}"));
        Assert.All(withinAYear, f => Assert.Equal(("con_oidcSample00001", ExpiringCredentialSource.ConnectionKey), (f.ConnectionId!, f.Source)));
        Assert.Empty(withinAMonth);
    }

    [Fact]
    public async Task A_negative_window_is_refused_before_any_call()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();
        var recorder = new RequestRecorder();
        Auth0ConnectionOptions options = Auth0Emulator.SecretOptions(server);
        options.Handler = recorder;
        using Auth0Connection connection = Auth0Connection.Create(options);
        var inventory = new ExpiryInventory(new[] { new Auth0ClientCredentialExpirySource(connection) });

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => inventory.FindAsync(TimeSpan.FromDays(-1), null, CancellationToken.None));

        Assert.Equal(ErrorIds.ExpiryWindowInvalid, e.ErrorId);
        Assert.Empty(recorder.Requests);
    }

    /// <summary>
    /// N clients in four kinds: one attached credential expiring in (i % 60) days and a half;
    /// one credential without an expiry; an attached one expiring in 10 days plus a detached one
    /// expired 3 days ago; a client on its secret with none. Returns what expires within the window.
    /// </summary>
    private static (JsonObject Seed, List<(string, string, DateTimeOffset)> Expiring) Seed(int count, DateTimeOffset now, TimeSpan window)
    {
        using RSA first = RSA.Create(2048);
        using RSA second = RSA.Create(2048);
        string firstPem = first.ExportSubjectPublicKeyInfoPem();
        string secondPem = second.ExportSubjectPublicKeyInfoPem();
        string firstKid = Core.Keys.KeyImporter.FromPem(firstPem).Kid;
        string secondKid = Core.Keys.KeyImporter.FromPem(secondPem).Kid;
        var clients = new JsonArray();
        var expiring = new List<(string, string, DateTimeOffset)>();
        DateTimeOffset Day(double days) => new DateTimeOffset(now.UtcDateTime.AddDays(days).Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        for (int i = 0; i < count; i++)
        {
            string id = "inv-" + i.ToString("D3", CultureInfo.InvariantCulture);
            var client = new JsonObject
            {
                ["client_id"] = id,
                ["name"] = id,
                ["app_type"] = "non_interactive",
                ["grant_types"] = new JsonArray("client_credentials"),
            };
            JsonObject Credential(string pem, DateTimeOffset? expires) => new()
            {
                ["credential_type"] = "public_key",
                ["pem"] = pem,
                ["alg"] = "RS256",
                ["expires_at"] = expires?.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            };
            switch (i % 4)
            {
                case 0:
                    DateTimeOffset at = Day((i % 60) + 0.5);
                    client["client_authentication_methods"] = new JsonObject { ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(Credential(firstPem, at)) } };
                    if (at <= now + window)
                    {
                        expiring.Add((id, firstKid, at));
                    }

                    break;
                case 1:
                    client["client_authentication_methods"] = new JsonObject { ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(Credential(firstPem, null)) } };
                    break;
                case 2:
                    DateTimeOffset soon = Day(10.25);
                    client["client_authentication_methods"] = new JsonObject { ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(Credential(firstPem, soon)) } };
                    DateTimeOffset expired = Day(-3);
                    client["credentials"] = new JsonArray(Credential(secondPem, expired));
                    expiring.Add((id, firstKid, soon));
                    expiring.Add((id, secondKid, expired));
                    break;
                default:
                    client["token_endpoint_auth_method"] = "client_secret_post";
                    break;
            }

            clients.Add(client);
        }

        return (new JsonObject { ["clients"] = clients }, expiring);
    }

    private sealed class SyncProgress : IProgress<string>
    {
        private readonly List<string> _reports;

        public SyncProgress(List<string> reports) => _reports = reports;

        public void Report(string value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
