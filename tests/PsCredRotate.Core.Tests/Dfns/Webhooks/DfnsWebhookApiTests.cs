using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Dfns.Webhooks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Dfns.Webhooks;

public sealed class DfnsWebhookApiTests
{
    private const string OldJson = "{\"id\":\"wh-old\",\"url\":\"https://hooks.example.com/dfns\",\"events\":[\"wallet.created\",\"wallet.transfer.confirmed\"],\"status\":\"Enabled\",\"description\":\"Payments\",\"dateCreated\":\"2026-01-02T03:04:05.000Z\",\"dateUpdated\":\"2026-01-03T03:04:05.000Z\"}";
    private const string NewSecret = "whsec-new-0123456789";

    /// <summary>A fake Dfns: records each call and answers from a script; 404 for unknown webhooks.</summary>
    private sealed class FakeDfns
    {
        public List<(string Method, string Path, string? Body, bool UserAction)> Calls { get; } = new();

        public Dictionary<string, string> Answers { get; } = new(StringComparer.Ordinal);

        public Task<JsonElement> Send(HttpMethod method, string path, object? body, bool userAction, CancellationToken ct)
        {
            Calls.Add((method.Method, path, (string?)body, userAction));
            string key = method.Method + " " + path;
            if (!Answers.TryGetValue(key, out string? answer))
            {
                int query = path.IndexOf('?');
                throw new ApiException(ErrorIds.ApiNotFound, ErrorKind.ObjectNotFound, "not found", method.Method, query < 0 ? path : path.Substring(0, query), 404, null, "Webhook not found", path);
            }

            using JsonDocument document = JsonDocument.Parse(answer);
            return Task.FromResult(document.RootElement.Clone());
        }

        public DfnsWebhookApi Api() => new(Send);
    }

    private static string Plain(SecureString s) => new System.Net.NetworkCredential(string.Empty, s).Password;

    private static string CreatedJson(string secret = NewSecret) =>
        "{\"id\":\"wh-new\",\"url\":\"https://hooks.example.com/dfns\",\"events\":[\"wallet.created\",\"wallet.transfer.confirmed\"],\"status\":\"Enabled\",\"description\":\"Replaces webhook wh-old: Payments\",\"dateCreated\":\"2026-11-29T17:00:00.000Z\",\"dateUpdated\":\"2026-11-29T17:00:00.000Z\",\"secret\":\"" + secret + "\"}";

    [Fact]
    public async Task Get_reads_the_webhook_without_a_user_action()
    {
        var fake = new FakeDfns();
        fake.Answers["GET /webhooks/wh-old"] = OldJson;

        DfnsWebhook webhook = await fake.Api().GetAsync("wh-old", CancellationToken.None);

        Assert.Equal(("wh-old", "https://hooks.example.com/dfns", "Enabled", "Payments"), (webhook.Id, webhook.Url, webhook.Status, webhook.Description));
        Assert.Equal(new[] { "wallet.created", "wallet.transfer.confirmed" }, webhook.Events);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), webhook.DateCreated);
        Assert.Null(webhook.Secret);
        Assert.Equal(("GET", "/webhooks/wh-old", (string?)null, false), fake.Calls.Single());
    }

    [Fact]
    public async Task An_unknown_webhook_is_DfnsWebhookNotFound_naming_it()
    {
        var fake = new FakeDfns();

        var ex = await Assert.ThrowsAsync<ApiException>(() => fake.Api().GetAsync("wh-nope", CancellationToken.None));

        Assert.Equal((ErrorIds.DfnsWebhookNotFound, ErrorKind.ObjectNotFound, (object?)"wh-nope"), (ex.ErrorId, ex.Kind, ex.Target));
        Assert.IsType<ApiException>(ex.InnerException);
    }

    [Fact]
    public async Task A_404_from_another_path_such_as_the_user_action_is_not_taken_for_a_missing_webhook()
    {
        DfnsSend send = (method, path, body, ua, ct) =>
            throw new ApiException(ErrorIds.DfnsUserActionRefused, ErrorKind.PermissionDenied, "refused", "POST", "/auth/action", 404, null, null);
        var api = new DfnsWebhookApi(send);

        var ex = await Assert.ThrowsAsync<ApiException>(() => api.DeleteAsync("wh-old", CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsUserActionRefused, ex.ErrorId);
    }

    [Fact]
    public async Task List_reads_every_page()
    {
        var fake = new FakeDfns();
        fake.Answers["GET /webhooks?limit=100"] = "{\"items\":[" + OldJson + "],\"nextPageToken\":\"p/2\"}";
        fake.Answers["GET /webhooks?limit=100&paginationToken=p%2F2"] = "{\"items\":[" + OldJson.Replace("wh-old", "wh-two", StringComparison.Ordinal) + "]}";

        IReadOnlyList<DfnsWebhook> all = await fake.Api().ListAsync(CancellationToken.None);

        Assert.Equal(new[] { "wh-old", "wh-two" }, all.Select(w => w.Id));
        Assert.All(fake.Calls, c => Assert.False(c.UserAction));
    }

    [Fact]
    public async Task Create_signs_a_user_action_over_the_compact_body_and_returns_the_secret_only_as_a_SecureString()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = CreatedJson();

        DfnsWebhook created = await fake.Api().CreateAsync(
            new DfnsWebhookRequest("https://hooks.example.com/dfns", ["wallet.created", "wallet.created", " wallet.transfer.confirmed "], "Payments", "enabled"),
            null,
            CancellationToken.None);

        Assert.Equal(
            ("POST", "/webhooks", (string?)"{\"url\":\"https://hooks.example.com/dfns\",\"events\":[\"wallet.created\",\"wallet.transfer.confirmed\"],\"status\":\"Enabled\",\"description\":\"Payments\"}", true),
            fake.Calls.Single());
        Assert.Equal("wh-new", created.Id);
        Assert.Equal(NewSecret, Plain(created.Secret!));
        Assert.Null(created.SecretFile);
        Assert.DoesNotContain(NewSecret, created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_status_or_description_the_body_has_only_url_and_events()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = CreatedJson();

        await fake.Api().CreateAsync(new DfnsWebhookRequest("http://127.0.0.1:8080/hook", ["*"]), null, CancellationToken.None);

        Assert.Equal("{\"url\":\"http://127.0.0.1:8080/hook\",\"events\":[\"*\"]}", fake.Calls.Single().Body);
    }

    [Fact]
    public async Task With_a_secret_file_the_secret_goes_only_to_a_new_owner_only_file()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = CreatedJson();
        using var dir = new TempDir();
        string file = dir.File("new-webhook.secret");

        DfnsWebhook created = await fake.Api().CreateAsync(new DfnsWebhookRequest("https://hooks.example.com/dfns", ["*"]), file, CancellationToken.None);

        Assert.Null(created.Secret);
        Assert.Equal(file, created.SecretFile);
        Assert.Equal(NewSecret, File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task An_existing_secret_file_is_refused_before_anything_is_created()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = CreatedJson();
        using var dir = new TempDir();
        string file = dir.Write("taken.secret", "keep me");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().CreateAsync(new DfnsWebhookRequest("https://hooks.example.com/dfns", ["*"]), file, CancellationToken.None));
        var like = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().CreateReplacementAsync("wh-old", null, null, file, CancellationToken.None));

        Assert.Equal(ErrorIds.SecretFileExists, ex.ErrorId);
        Assert.Equal(ErrorIds.SecretFileExists, like.ErrorId);
        Assert.Empty(fake.Calls);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public async Task A_secret_file_that_cannot_be_written_after_creation_hands_the_secret_over_in_the_error()
    {
        var fake = new FakeDfns();
        using var dir = new TempDir();
        string file = dir.File("racy.secret");
        fake.Answers["POST /webhooks"] = CreatedJson();
        DfnsSend send = async (m, p, b, ua, ct) =>
        {
            JsonElement answer = await fake.Send(m, p, b, ua, ct);
            File.WriteAllText(file, "someone else's"); // the file appears between the check and the write
            return answer;
        };

        var ex = await Assert.ThrowsAsync<DfnsWebhookSecretFileException>(() => new DfnsWebhookApi(send).CreateAsync(new DfnsWebhookRequest("https://hooks.example.com/dfns", ["*"]), file, CancellationToken.None));

        Assert.Equal(ErrorIds.SecretFileWriteFailed, ex.ErrorId);
        Assert.Equal(NewSecret, Plain(ex.Webhook.Secret!));
        Assert.DoesNotContain(NewSecret, ex.Message, StringComparison.Ordinal);
        Assert.Equal("someone else's", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("not a url", new[] { "*" }, null, ErrorIds.DfnsWebhookUrlInvalid)]
    [InlineData("ftp://hooks.example.com/x", new[] { "*" }, null, ErrorIds.DfnsWebhookUrlInvalid)]
    [InlineData("/relative/path", new[] { "*" }, null, ErrorIds.DfnsWebhookUrlInvalid)]
    [InlineData("https://hooks.example.com/x", new string[0], null, ErrorIds.DfnsWebhookEventsMissing)]
    [InlineData("https://hooks.example.com/x", new[] { " ", "" }, null, ErrorIds.DfnsWebhookEventsMissing)]
    [InlineData("https://hooks.example.com/x", new[] { "*" }, "Paused", ErrorIds.DfnsWebhookStatusInvalid)]
    public async Task A_bad_request_is_refused_with_its_error_and_nothing_is_sent(string url, string[] events, string? status, string errorId)
    {
        var fake = new FakeDfns();

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().CreateAsync(new DfnsWebhookRequest(url, events, null, status), null, CancellationToken.None));

        Assert.Equal((errorId, ErrorKind.InvalidArgument), (ex.ErrorId, ex.Kind));
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public async Task A_replacement_copies_url_events_and_status_and_says_what_it_replaces()
    {
        var fake = new FakeDfns();
        fake.Answers["GET /webhooks/wh-old"] = OldJson.Replace("\"Enabled\"", "\"Disabled\"", StringComparison.Ordinal);
        fake.Answers["POST /webhooks"] = CreatedJson();

        DfnsWebhook created = await fake.Api().CreateReplacementAsync("wh-old", null, null, null, CancellationToken.None);

        Assert.Equal("wh-old", created.Replaces);
        Assert.Equal(2, fake.Calls.Count);
        Assert.Equal(
            "{\"url\":\"https://hooks.example.com/dfns\",\"events\":[\"wallet.created\",\"wallet.transfer.confirmed\"],\"status\":\"Disabled\",\"description\":\"Replaces webhook wh-old: Payments\"}",
            fake.Calls[1].Body);
    }

    [Fact]
    public void A_replacement_takes_a_given_description_and_status_instead()
    {
        DfnsWebhook old = DfnsWebhook.FromJson(JsonDocument.Parse(OldJson).RootElement, "GET", "/webhooks/wh-old");

        DfnsWebhookRequest request = DfnsWebhookRequest.ReplacementFor(old, "Payments (2026-11)", "Enabled");

        Assert.Equal(("Payments (2026-11)", "Enabled", "wh-old"), (request.Description, request.Status, request.Replaces));
    }

    [Fact]
    public async Task A_replacement_of_an_unknown_webhook_creates_nothing()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = CreatedJson();

        var ex = await Assert.ThrowsAsync<ApiException>(() => fake.Api().CreateReplacementAsync("wh-gone", null, null, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsWebhookNotFound, ex.ErrorId);
        Assert.DoesNotContain(fake.Calls, c => c.Method == "POST");
    }

    [Fact]
    public async Task An_answer_without_the_secret_is_DfnsWebhookSecretMissing_naming_the_created_webhook()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks"] = OldJson;

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().CreateAsync(new DfnsWebhookRequest("https://hooks.example.com/dfns", ["*"]), null, CancellationToken.None));

        Assert.Equal((ErrorIds.DfnsWebhookSecretMissing, (object?)"wh-old"), (ex.ErrorId, ex.Target));
    }

    [Fact]
    public async Task Delete_and_ping_are_user_actions_over_an_empty_object_as_the_sdk_sends_them()
    {
        var fake = new FakeDfns();
        fake.Answers["DELETE /webhooks/wh-old"] = "{\"deleted\":true}";
        fake.Answers["POST /webhooks/wh-old/ping"] = "{\"status\":\"200\"}";

        await fake.Api().DeleteAsync("wh-old", CancellationToken.None);
        DfnsWebhookPing ping = await fake.Api().PingAsync("wh-old", CancellationToken.None);

        Assert.Equal(("DELETE", "/webhooks/wh-old", (string?)"{}", true), fake.Calls[0]);
        Assert.Equal(("POST", "/webhooks/wh-old/ping", (string?)"{}", true), fake.Calls[1]);
        Assert.True(ping.Delivered);
    }

    [Fact]
    public async Task A_ping_the_receiver_refused_is_not_delivered_and_says_why()
    {
        var fake = new FakeDfns();
        fake.Answers["POST /webhooks/wh-old/ping"] = "{\"status\":401,\"error\":\"Unauthorized\"}";

        DfnsWebhookPing ping = await fake.Api().PingAsync("wh-old", CancellationToken.None);

        Assert.Equal(("401", "Unauthorized", false), (ping.Status, ping.Error, ping.Delivered));
    }

    [Fact]
    public async Task Deleting_an_unknown_webhook_is_DfnsWebhookNotFound()
    {
        var fake = new FakeDfns();

        var ex = await Assert.ThrowsAsync<ApiException>(() => fake.Api().DeleteAsync("wh-gone", CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsWebhookNotFound, ex.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("wh-1/../../auth/credentials")]
    [InlineData("wh 1")]
    [InlineData("wh-1?x=y")]
    public async Task A_malformed_id_is_refused_without_a_call(string id)
    {
        var fake = new FakeDfns();

        var get = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().GetAsync(id, CancellationToken.None));
        var delete = await Assert.ThrowsAsync<PsCredRotateException>(() => fake.Api().DeleteAsync(id, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsWebhookIdInvalid, get.ErrorId);
        Assert.Equal(ErrorIds.DfnsWebhookIdInvalid, delete.ErrorId);
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public void The_debug_log_of_the_create_answer_hides_the_secret() =>
        Assert.DoesNotContain(NewSecret, Redaction.Json(CreatedJson()), StringComparison.Ordinal);
}
