namespace PsCredRotate.Emulator.Dfns;

/// <summary>Wire names and fixed values of the Dfns API (docs and @dfns/sdk 0.8.3 types).</summary>
public static class DfnsWire
{
    public const string UserActionHeader = "x-dfns-useraction";
    public const string WebhookSignatureHeader = "X-DFNS-WEBHOOK-SIGNATURE";
    public const string KindKey = "Key";
    public const string ClientDataKeyGet = "key.get";
    public const string ClientDataKeyCreate = "key.create";
    public const string WebhookEnabled = "Enabled";
    public const string WebhookDisabled = "Disabled";

    /// <summary>Lifetime of a user action or credential challenge (the emulator's choice; Dfns does not document it).</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of a user action token (the emulator's choice; Dfns does not document it).</summary>
    public static readonly TimeSpan UserActionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Webhook event kinds of @dfns/sdk 0.8.3, plus "*" for all.</summary>
    public static readonly IReadOnlySet<string> WebhookEventKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "*",
        "policy.triggered", "policy.approval.pending", "policy.approval.resolved",
        "key.created", "key.deleted", "key.delegated", "key.exported",
        "wallet.blockchainevent.detected", "wallet.created", "wallet.activated", "wallet.delegated", "wallet.exported",
        "wallet.signature.failed", "wallet.signature.rejected", "wallet.signature.requested", "wallet.signature.signed",
        "wallet.transaction.broadcasted", "wallet.transaction.confirmed", "wallet.transaction.failed",
        "wallet.transaction.rejected", "wallet.transaction.requested",
        "wallet.transfer.broadcasted", "wallet.transfer.confirmed", "wallet.transfer.failed",
        "wallet.transfer.rejected", "wallet.transfer.requested",
        "wallet.offer.received", "wallet.offer.accepted", "wallet.offer.rejected", "wallet.tags.modified",
    };
}
