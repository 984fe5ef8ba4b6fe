using System;
using System.Management.Automation;
using System.Security;
using System.Text;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Commands.Dfns.Webhooks;

/// <summary>
/// Test-WebhookSignature: checks a delivered Dfns webhook event (its X-DFNS-WEBHOOK-SIGNATURE
/// header and timestampSent) against one or more webhook secrets. Reads only, sends nothing.
/// </summary>
/// <remarks>
/// A refused event is a result (IsValid false, with its Reason), not an error, so a receiver can
/// answer it with a status code; only the caller's mistakes (no secret, an empty one, a window of
/// zero) are errors.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Test, "WebhookSignature", DefaultParameterSetName = BodyParameterSet)]
[OutputType(typeof(WebhookSignatureResult), typeof(bool))]
public sealed class TestWebhookSignatureCommand : PsCredRotateCmdlet
{
    /// <summary>The body as text (encoded as UTF-8 to be verified).</summary>
    public const string BodyParameterSet = "Body";

    /// <summary>The body as the exact bytes received.</summary>
    public const string BodyBytesParameterSet = "BodyBytes";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BodyParameterSet, HelpMessage = "The webhook event body as received.")]
    [AllowEmptyString]
    public string Body { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = BodyBytesParameterSet, HelpMessage = "The webhook event body as the bytes received.")]
    [AllowEmptyCollection]
    public byte[] BodyBytes { get; set; } = null!;

    /// <summary>The X-DFNS-WEBHOOK-SIGNATURE header value; missing or malformed is a refused result.</summary>
    [Parameter(Mandatory = true, HelpMessage = "The X-DFNS-WEBHOOK-SIGNATURE header value (sha256=<hex>).")]
    [AllowNull]
    [AllowEmptyString]
    public string? Signature { get; set; }

    /// <summary>The webhook secrets to accept (during a switch: the old and the new webhook's).</summary>
    [Parameter(Mandatory = true, HelpMessage = "The webhook secrets to accept (old and new during a switch).")]
    [ValidateNotNullOrEmpty]
    public SecureString[] Secret { get; set; } = null!;

    /// <summary>Events whose timestampSent is this far from now or farther are refused; default 5 minutes.</summary>
    [Parameter]
    public TimeSpan MaxAge { get; set; } = WebhookSignatureVerifier.DefaultMaxAge;

    /// <summary>The time to judge timestampSent against; default the current time.</summary>
    [Parameter]
    public DateTimeOffset Now { get; set; }

    /// <summary>Also accept an HMAC over the compact re-serialisation of the body.</summary>
    [Parameter]
    public SwitchParameter AllowReserializedBody { get; set; }

    /// <summary>Return only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        byte[] body = ParameterSetName == BodyBytesParameterSet ? BodyBytes : new UTF8Encoding(false).GetBytes(Body);
        DateTimeOffset now = IsBound(nameof(Now)) ? Now : DateTimeOffset.UtcNow;

        WebhookSignatureResult result;
        try
        {
            result = WebhookSignatureVerifier.Verify(body, Signature, Secret, now, MaxAge, AllowReserializedBody.IsPresent);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        WriteVerbose(result.IsValid
            ? $"Webhook event '{result.EventId}' ({result.Kind}) is authentic (secret #{result.MatchedSecretIndex}) and {result.Age} old."
            : $"Webhook event refused: {result.Reason}.");
        WriteObject(Quiet.IsPresent ? result.IsValid : result);
    }
}
