using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>Webhooks: secrets only at creation, CRUD with user actions, ping and signed delivery.</summary>
public sealed class DfnsWebhookTests
{
    private const string CreateBody = "{\"url\":\"https://example.com/hook\",\"events\":[\"wallet.created\"],\"description\":\"d1\"}";

    [Fact]
    public async Task TheSecretIsReturnedAtCreationAndNeverByGetListUpdateOrState()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();

        var created = await org.SignedAsync(account, HttpMethod.Post, "/webhooks", CreateBody);
        string id = (string)created.Body!["id"]!;
        string secret = (string)created.Body["secret"]!;
        var got = await org.SendAsync(HttpMethod.Get, "/webhooks/" + id, null, account.Token);
        var list = await org.SendAsync(HttpMethod.Get, "/webhooks", null, account.Token);
        var updated = await org.SignedAsync(account, HttpMethod.Put, "/webhooks/" + id, "{\"status\":\"Disabled\"}");
        string state = await org.StateAsync();

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Matches("^wh-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{16}$", id);
        Assert.True(secret.Length >= 32);
        Assert.Equal("Enabled", (string?)created.Body["status"]);
        Assert.Equal(new[] { "wallet.created" }, created.Body["events"]!.AsArray().Select(e => (string)e!).ToArray());
        Assert.Equal("https://example.com/hook", (string?)got.Body!["url"]);
        Assert.Null(got.Body["secret"]);
        Assert.Single(list.Body!["items"]!.AsArray());
        Assert.Equal("Disabled", (string?)updated.Body!["status"]);
        Assert.Equal("d1", (string?)updated.Body["description"]);
        foreach (string text in new[] { got.Body.ToJsonString(), list.Body.ToJsonString(), updated.Body.ToJsonString(), state })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"secret\"", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DeleteRemovesTheWebhookAndAnUnknownOneIsNotFound()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string id = (string)(await org.SignedAsync(account, HttpMethod.Post, "/webhooks", CreateBody)).Body!["id"]!;

        var deleted = await org.SignedAsync(account, HttpMethod.Delete, "/webhooks/" + id, "");
        var again = await org.SignedAsync(account, HttpMethod.Delete, "/webhooks/" + id, "");
        var get = await org.SendAsync(HttpMethod.Get, "/webhooks/" + id, null, account.Token);

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.True((bool)deleted.Body!["deleted"]!);
        Assert.Contains(id, DfnsOrg.AssertError(again, HttpStatusCode.NotFound), StringComparison.Ordinal);
        DfnsOrg.AssertError(get, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"url\":\"not a url\",\"events\":[\"*\"]}", "url")]
    [InlineData("{\"url\":\"ftp://example.com\",\"events\":[\"*\"]}", "url")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[]}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"wallet.eaten\"]}", "wallet.eaten")]
    [InlineData("{\"url\":\"https://example.com\"}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"*\"],\"status\":\"On\"}", "status")]
    public async Task AnInvalidWebhookIsABadRequestAndNothingIsCreated(string body, string named)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();

        var response = await org.SignedAsync(account, HttpMethod.Post, "/webhooks", body);

        Assert.Contains(named, DfnsOrg.AssertError(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task CreatingAWebhookNeedsAUserAction()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();

        var response = await org.SendAsync(HttpMethod.Post, "/webhooks", CreateBody, account.Token);

        DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized);
        Assert.Empty((await org.StateNodeAsync())["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task ADeliveryIsSignedWithTheSecretOverTheRawBodyAndStampedWithTheEmulatorClock()
    {
        var received = new List<(byte[] Body, string? Signature)>();
        await using RunningEmulator receiver = await Receiver(received, 200);
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string url = receiver.BaseAddress + "hook";
        var created = await org.SignedAsync(account, HttpMethod.Post, "/webhooks", $"{{\"url\":\"{url}\",\"events\":[\"*\"]}}");
        string id = (string)created.Body!["id"]!;
        string secret = (string)created.Body["secret"]!;
        await org.AdvanceClockAsync(TimeSpan.FromDays(1));

        using HttpResponseMessage deliver = await org.Http.PostAsync($"_emulator/dfns/webhooks/{id}/deliver", new StringContent("{\"kind\":\"wallet.created\",\"data\":{\"walletId\":\"wa-1\",\"n\":1.50}}", Encoding.UTF8, "application/json"));
        JsonNode result = JsonNode.Parse(await deliver.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        Assert.Equal(200, (int)result["status"]!);
        Assert.Null(result["error"]);
        (byte[] body, string? signature) = Assert.Single(received);
        string expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();
        Assert.Equal(expected, signature);
        JsonNode evt = JsonNode.Parse(body)!;
        Assert.Equal(new[] { "id", "kind", "date", "data", "status", "timestampSent" }, evt.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("wallet.created", (string?)evt["kind"]);
        Assert.Equal("{\"walletId\":\"wa-1\",\"n\":1.50}", evt["data"]!.ToJsonString());
        Assert.Matches("^whe-", (string)evt["id"]!);
        long sent = (long)evt["timestampSent"]!;
        Assert.InRange(sent - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 86_400 - 60, 86_400 + 60);
        Assert.DoesNotContain((byte)'\n', body);
    }

    [Fact]
    public async Task PingDeliversAndReportsTheReceiversStatus()
    {
        var received = new List<(byte[] Body, string? Signature)>();
        await using RunningEmulator receiver = await Receiver(received, 500);
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string id = (string)(await org.SignedAsync(account, HttpMethod.Post, "/webhooks", $"{{\"url\":\"{receiver.BaseAddress}hook\",\"events\":[\"*\"]}}")).Body!["id"]!;

        var ping = await org.SignedAsync(account, HttpMethod.Post, $"/webhooks/{id}/ping", "");

        Assert.Equal(HttpStatusCode.OK, ping.Status);
        Assert.Equal("500", (string?)ping.Body!["status"]);
        Assert.Contains("500", (string?)ping.Body["error"], StringComparison.Ordinal);
        Assert.Single(received);
    }

    [Fact]
    public async Task DeliveredEventsAreListedWithTheReceiversStatus()
    {
        var received = new List<(byte[] Body, string? Signature)>();
        await using RunningEmulator receiver = await Receiver(received, 500);
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string id = (string)(await org.SignedAsync(account, HttpMethod.Post, "/webhooks", $"{{\"url\":\"{receiver.BaseAddress}hook\",\"events\":[\"*\"]}}")).Body!["id"]!;
        await org.SignedAsync(account, HttpMethod.Post, $"/webhooks/{id}/ping", "");
        using (HttpResponseMessage deliver = await org.Http.PostAsync($"_emulator/dfns/webhooks/{id}/deliver", new StringContent("{\"kind\":\"wallet.created\",\"data\":{\"w\":1}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        var all = await org.SendAsync(HttpMethod.Get, $"/webhooks/{id}/events", null, account.Token);
        var wallet = await org.SendAsync(HttpMethod.Get, $"/webhooks/{id}/events?kind=wallet.created&deliveryFailed=true", null, account.Token);
        var succeeded = await org.SendAsync(HttpMethod.Get, $"/webhooks/{id}/events?deliveryFailed=false", null, account.Token);
        string eventId = (string)wallet.Body!["items"]![0]!["id"]!;
        var one = await org.SendAsync(HttpMethod.Get, $"/webhooks/{id}/events/{eventId}", null, account.Token);
        var unknown = await org.SendAsync(HttpMethod.Get, $"/webhooks/{id}/events/whe-nope", null, account.Token);

        Assert.Equal(new[] { "wallet.created", "webhook.ping" }, all.Body!["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToArray());
        Assert.Single(wallet.Body["items"]!.AsArray());
        Assert.Empty(succeeded.Body!["items"]!.AsArray());
        Assert.Equal("500", (string?)one.Body!["status"]);
        Assert.Equal("{\"w\":1}", one.Body["data"]!.ToJsonString());
        Assert.Equal(JsonNode.Parse(received[1].Body)!["id"]!.ToJsonString(), one.Body["id"]!.ToJsonString());
        DfnsOrg.AssertError(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeliveringToAnUnreachableReceiverReportsNoStatus()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string id = (string)(await org.SignedAsync(account, HttpMethod.Post, "/webhooks", "{\"url\":\"http://127.0.0.1:1/hook\",\"events\":[\"*\"]}")).Body!["id"]!;

        using HttpResponseMessage deliver = await org.Http.PostAsync($"_emulator/dfns/webhooks/{id}/deliver", new StringContent("{\"kind\":\"wallet.created\"}", Encoding.UTF8, "application/json"));
        JsonNode result = JsonNode.Parse(await deliver.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        Assert.Null(result["status"]);
        Assert.Contains("could not be reached", (string?)result["error"], StringComparison.Ordinal);
    }

    /// <summary>A second emulator used only as a loopback receiver (a test endpoint that records deliveries).</summary>
    private static Task<RunningEmulator> Receiver(List<(byte[] Body, string? Signature)> received, int status) =>
        RunningEmulator.StartAsync(null, null, app => app.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            lock (received)
            {
                received.Add((buffer.ToArray(), http.Request.Headers["X-DFNS-WEBHOOK-SIGNATURE"].ToString()));
            }

            return Results.StatusCode(status);
        }));
}
