using PsCredRotate.Core;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Integration.Tests.Dfns.Webhooks;

/// <summary>
/// The receiver over real HTTP on 127.0.0.1 with events built and signed in the test: what it
/// accepts and refuses does not depend on who delivers (the emulator tests deliver through Dfns's
/// path in <see cref="DfnsWebhookSwitchTests"/>).
/// </summary>
public sealed class WebhookReceiverTests : IAsyncLifetime
{
    private const string OldSecret = "whsec-old-receiver-test";
    private const string NewSecret = "whsec-new-receiver-test";

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task During_a_switch_the_receiver_accepts_events_signed_with_either_secret()
    {
        _receiver.Accept(SecureStrings.FromString(OldSecret), SecureStrings.FromString(NewSecret));
        byte[] body = HandmadeEvents.Event(DateTimeOffset.UtcNow);

        Assert.Equal(200, await _receiver.PostAsync(body, HandmadeEvents.Sign(body, OldSecret)));
        Assert.Equal(0, _receiver.Last.Result.MatchedSecretIndex);
        Assert.Equal(200, await _receiver.PostAsync(body, HandmadeEvents.Sign(body, NewSecret)));
        Assert.Equal(1, _receiver.Last.Result.MatchedSecretIndex);
    }

    [Fact]
    public async Task A_tampered_body_a_wrong_secret_a_stale_event_and_a_missing_header_are_refused()
    {
        _receiver.Accept(SecureStrings.FromString(NewSecret));
        byte[] fresh = HandmadeEvents.Event(DateTimeOffset.UtcNow);
        byte[] stale = HandmadeEvents.Event(DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(401, await _receiver.PostAsync(HandmadeEvents.Tamper(fresh), HandmadeEvents.Sign(fresh, NewSecret)));
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, _receiver.Last.Result.Reason);
        Assert.Equal(401, await _receiver.PostAsync(fresh, HandmadeEvents.Sign(fresh, OldSecret)));
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, _receiver.Last.Result.Reason);
        Assert.Equal(401, await _receiver.PostAsync(stale, HandmadeEvents.Sign(stale, NewSecret)));
        Assert.Equal(WebhookSignatureReason.TimestampOutsideWindow, _receiver.Last.Result.Reason);
        Assert.Equal(401, await _receiver.PostAsync(fresh, null));
        Assert.Equal(WebhookSignatureReason.SignatureMalformed, _receiver.Last.Result.Reason);
        Assert.Equal(200, await _receiver.PostAsync(fresh, HandmadeEvents.Sign(fresh, NewSecret)));
    }
}
