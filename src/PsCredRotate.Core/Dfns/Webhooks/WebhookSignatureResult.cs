using System;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>
/// The verdict on one delivered webhook event (Test-WebhookSignature's output). It holds no
/// secret: <see cref="MatchedSecretIndex"/> says which of the given secrets matched, by position.
/// </summary>
public sealed class WebhookSignatureResult
{
    internal WebhookSignatureResult(
        WebhookSignatureReason reason,
        int? matchedSecretIndex,
        DateTimeOffset? timestampSent,
        TimeSpan? age,
        string? eventId,
        string? kind,
        bool matchedReserializedBody)
    {
        Reason = reason;
        MatchedSecretIndex = matchedSecretIndex;
        TimestampSent = timestampSent;
        Age = age;
        EventId = eventId;
        Kind = kind;
        MatchedReserializedBody = matchedReserializedBody;
    }

    /// <summary>True only for <see cref="WebhookSignatureReason.Valid"/>: authentic and fresh.</summary>
    public bool IsValid => Reason == WebhookSignatureReason.Valid;

    public WebhookSignatureReason Reason { get; }

    /// <summary>The 0-based position of the secret whose HMAC matched; null when none did.</summary>
    public int? MatchedSecretIndex { get; }

    /// <summary>The event's timestampSent (Unix seconds) as a time; null when the body has none.</summary>
    public DateTimeOffset? TimestampSent { get; }

    /// <summary>Now minus <see cref="TimestampSent"/>; negative when the event claims to come from the future.</summary>
    public TimeSpan? Age { get; }

    /// <summary>The event's <c>id</c>, when the body is a JSON object that has one (for de-duplication).</summary>
    public string? EventId { get; }

    /// <summary>The event's <c>kind</c> (for example <c>wallet.created</c>), when present.</summary>
    public string? Kind { get; }

    /// <summary>True when the HMAC matched only the compact re-serialisation of the body, not the raw bytes (-AllowReserializedBody).</summary>
    public bool MatchedReserializedBody { get; }

    public override string ToString() =>
        IsValid
            ? $"Valid webhook event {EventId ?? "(no id)"} ({Kind ?? "no kind"}), secret #{MatchedSecretIndex}, age {Age}"
            : $"Refused webhook event: {Reason}";
}
