using System.Net.Http.Json;
using System.Security;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Dfns.Webhooks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Dfns.Webhooks;

/// <summary>
/// A webhook secret rotation end to end over real HTTP: Core's webhook client against the
/// in-process emulator (user actions signed by a service account's Key credential), which
/// delivers signed events to a receiver on 127.0.0.1 that verifies them with Core's verifier.
/// </summary>
public sealed class DfnsWebhookSwitchTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;
    private WebhookReceiver _receiver = null!;
    private DfnsConnection _connection = null!;
    private DfnsWebhookApi _api = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256, Name = "webhook-sa" });
        DfnsServiceAccount account = await _server.SeedServiceAccountAsync(key.PublicKeyPem, "webhooks");
        _connection = DfnsConnection.Create(new DfnsConnectionOptions
        {
            BaseUri = _server.BaseAddress.ToString(),
            Token = SecureStrings.FromString(account.Token),
            CredentialId = account.CredId,
            Key = key,
            MaxRetries = 0,
        });
        await _connection.ConnectAsync(CancellationToken.None);
        _api = new DfnsWebhookApi(_connection);
    }

    public async Task DisposeAsync()
    {
        _connection.Dispose();
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static string Plain(SecureString secret) => new System.Net.NetworkCredential(string.Empty, secret).Password;

    private Task<DfnsWebhook> CreateAsync(string description = "Payments") =>
        _api.CreateAsync(new DfnsWebhookRequest(_receiver.Url.ToString(), ["wallet.created", "wallet.transfer.confirmed"], description), null, CancellationToken.None);

    private async Task<int?> DeliverAsync(DfnsWebhook webhook) => (await _server.DeliverWebhookEventAsync(webhook.Id)).Status;

    private async Task<JsonArray> WebhooksInStateAsync() => (await _server.GetStateAsync())["webhooks"]!.AsArray();

    [Fact]
    public async Task During_the_switch_events_from_the_old_and_the_new_webhook_are_accepted_and_after_the_removal_only_the_new_secret_is_needed()
    {
        DfnsWebhook old = await CreateAsync();
        SecureString oldSecret = old.Secret!;
        _receiver.Accept(oldSecret);
        Assert.Equal(200, await DeliverAsync(old));
        WebhookDelivery signedWithOld = _receiver.Last;

        // New -Like old: same url and events, a description naming the old one.
        DfnsWebhook @new = await _api.CreateReplacementAsync(old.Id, null, null, null, CancellationToken.None);
        Assert.NotEqual(old.Id, @new.Id);
        Assert.Equal((old.Url, old.Id), (@new.Url, @new.Replaces));
        Assert.Equal(old.Events, @new.Events);
        Assert.Equal("Replaces webhook " + old.Id + ": Payments", @new.Description);
        Assert.NotEqual(Plain(oldSecret), Plain(@new.Secret!));

        // The receiver is deployed with both secrets: events from both webhooks are accepted.
        _receiver.Accept(oldSecret, @new.Secret!);
        Assert.Equal(200, await DeliverAsync(old));
        Assert.Equal(0, _receiver.Last.Result.MatchedSecretIndex);
        Assert.Equal(200, await DeliverAsync(@new));
        Assert.Equal(1, _receiver.Last.Result.MatchedSecretIndex);
        Assert.Equal(2, (await WebhooksInStateAsync()).Count);

        // Remove the old webhook; the receiver keeps only the new secret.
        await _api.DeleteAsync(old.Id, CancellationToken.None);
        _receiver.Accept(@new.Secret!);

        Assert.Equal(@new.Id, (string?)(await WebhooksInStateAsync()).Single()!["id"]);
        Assert.Equal(200, await DeliverAsync(@new));
        Assert.Equal((WebhookSignatureReason.Valid, 0), (_receiver.Last.Result.Reason, _receiver.Last.Result.MatchedSecretIndex!.Value));
        await Assert.ThrowsAsync<InvalidOperationException>(() => DeliverAsync(old));
        Assert.Equal(401, await _receiver.PostAsync(signedWithOld.Body, signedWithOld.Signature));
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, _receiver.Last.Result.Reason);
        Assert.All(_receiver.Deliveries.Take(4), d => Assert.True(d.Result.IsValid));
    }

    [Fact]
    public async Task A_tampered_body_a_wrong_secret_and_a_stale_timestamp_are_refused()
    {
        DfnsWebhook hook = await CreateAsync();
        DfnsWebhook other = await CreateAsync("Another webhook, another secret");
        _receiver.Accept(hook.Secret!);
        Assert.Equal(200, await DeliverAsync(hook));
        WebhookDelivery genuine = _receiver.Last;

        Assert.Equal(401, await _receiver.PostAsync(HandmadeEvents.Tamper(genuine.Body), genuine.Signature));
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, _receiver.Last.Result.Reason);

        Assert.Equal(401, await DeliverAsync(other));
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, _receiver.Last.Result.Reason);

        using (HttpResponseMessage back = await _server.Admin.PostAsJsonAsync("_emulator/clock", new { advanceSeconds = -600 }))
        {
            back.EnsureSuccessStatusCode();
        }

        Assert.Equal(401, await DeliverAsync(hook));
        WebhookSignatureResult stale = _receiver.Last.Result;
        Assert.Equal((WebhookSignatureReason.TimestampOutsideWindow, 0), (stale.Reason, stale.MatchedSecretIndex!.Value));
        Assert.InRange(stale.Age!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task A_ping_is_delivered_only_when_the_receiver_accepts_the_webhooks_secret()
    {
        DfnsWebhook hook = await CreateAsync();
        _receiver.Accept(SecureStrings.FromString("whsec-not-this-one"));

        DfnsWebhookPing refused = await _api.PingAsync(hook.Id, CancellationToken.None);
        _receiver.Accept(hook.Secret!);
        DfnsWebhookPing accepted = await _api.PingAsync(hook.Id, CancellationToken.None);

        Assert.Equal(("401", false), (refused.Status, refused.Delivered));
        Assert.True(accepted.Delivered);
        Assert.Equal("webhook.ping", _receiver.Last.Result.Kind);
    }

    [Fact]
    public async Task Listing_and_reading_webhooks_never_shows_a_secret_and_the_debug_log_of_the_creation_hides_it()
    {
        var log = new CapturingLog();
        DfnsWebhook hook;
        using (OperationLog.Use(log))
        {
            hook = await CreateAsync();
        }

        string secret = Plain(hook.Secret!);
        DfnsWebhook read = await _api.GetAsync(hook.Id, CancellationToken.None);
        IReadOnlyList<DfnsWebhook> all = await _api.ListAsync(CancellationToken.None);

        Assert.Null(read.Secret);
        Assert.All(all, w => Assert.Null(w.Secret));
        Assert.Equal(hook.Id, all.Single().Id);
        Assert.Contains(log.Lines, l => l.StartsWith("DEBUG", StringComparison.Ordinal) && l.Contains("/webhooks", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_webhook_id_is_DfnsWebhookNotFound_for_every_call_and_nothing_changes()
    {
        DfnsWebhook existing = await CreateAsync();
        string before = (await _server.GetStateAsync()).ToJsonString();

        var get = await Assert.ThrowsAsync<ApiException>(() => _api.GetAsync("wh-does-not-exist", CancellationToken.None));
        var delete = await Assert.ThrowsAsync<ApiException>(() => _api.DeleteAsync("wh-does-not-exist", CancellationToken.None));
        var like = await Assert.ThrowsAsync<ApiException>(() => _api.CreateReplacementAsync("wh-does-not-exist", null, null, null, CancellationToken.None));
        var malformed = await Assert.ThrowsAsync<PsCredRotateException>(() => _api.DeleteAsync("../auth/credentials", CancellationToken.None));

        Assert.All(new[] { get, delete, like }, ex => Assert.Equal((ErrorIds.DfnsWebhookNotFound, ErrorKind.ObjectNotFound, (object?)"wh-does-not-exist"), (ex.ErrorId, ex.Kind, ex.Target)));
        Assert.Equal(ErrorIds.DfnsWebhookIdInvalid, malformed.ErrorId);
        Assert.Equal(before, (await _server.GetStateAsync()).ToJsonString());
        Assert.Equal(existing.Id, (string?)(await WebhooksInStateAsync()).Single()!["id"]);
    }

    [Fact]
    public async Task A_bad_request_is_refused_before_any_call_and_an_existing_secret_file_too()
    {
        string before = (await _server.GetStateAsync()).ToJsonString();
        string file = Path.Combine(Path.GetTempPath(), "pscr-webhook-" + Guid.NewGuid().ToString("N") + ".secret");
        await File.WriteAllTextAsync(file, "already here");
        try
        {
            var url = await Assert.ThrowsAsync<PsCredRotateException>(() => _api.CreateAsync(new DfnsWebhookRequest("not a url", ["*"]), null, CancellationToken.None));
            var events = await Assert.ThrowsAsync<PsCredRotateException>(() => _api.CreateAsync(new DfnsWebhookRequest(_receiver.Url.ToString(), []), null, CancellationToken.None));
            var exists = await Assert.ThrowsAsync<PsCredRotateException>(() => _api.CreateAsync(new DfnsWebhookRequest(_receiver.Url.ToString(), ["*"]), file, CancellationToken.None));

            Assert.Equal(ErrorIds.DfnsWebhookUrlInvalid, url.ErrorId);
            Assert.Equal(ErrorIds.DfnsWebhookEventsMissing, events.ErrorId);
            Assert.Equal(ErrorIds.SecretFileExists, exists.ErrorId);
            Assert.Equal(before, (await _server.GetStateAsync()).ToJsonString());
            Assert.Equal("already here", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_webhook_created_with_a_secret_file_delivers_events_the_receiver_verifies_with_the_file()
    {
        string file = Path.Combine(Path.GetTempPath(), "pscr-webhook-" + Guid.NewGuid().ToString("N") + ".secret");
        try
        {
            DfnsWebhook hook = await _api.CreateAsync(new DfnsWebhookRequest(_receiver.Url.ToString(), ["*"]), file, CancellationToken.None);
            _receiver.Accept(SecureStrings.FromString(await File.ReadAllTextAsync(file)));

            Assert.Null(hook.Secret);
            Assert.Equal(file, hook.SecretFile);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Equal(200, await DeliverAsync(hook));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
