namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>Why a webhook event was accepted or refused by <see cref="WebhookSignatureVerifier"/>.</summary>
public enum WebhookSignatureReason
{
    /// <summary>The signature matches one of the secrets and timestampSent is within the window.</summary>
    Valid,

    /// <summary>The header is well formed but the HMAC matches none of the secrets (tampered body, wrong secret, forged event).</summary>
    SignatureMismatch,

    /// <summary>The header is missing, empty, or not <c>sha256=</c> followed by 64 hexadecimal digits.</summary>
    SignatureMalformed,

    /// <summary>The signature matches but the body has no <c>timestampSent</c> number (Unix seconds).</summary>
    TimestampMissing,

    /// <summary>The signature matches but <c>timestampSent</c> is as far as or farther than the maximum age from now (a replay, or a clock far off).</summary>
    TimestampOutsideWindow,

    /// <summary>The signature matches but the body is not a JSON object, so it carries no timestampSent.</summary>
    BodyNotJson,
}
