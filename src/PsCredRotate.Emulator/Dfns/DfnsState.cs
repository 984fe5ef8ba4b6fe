namespace PsCredRotate.Emulator.Dfns;

/// <summary>
/// The emulated Dfns organisation, persisted inside the emulator state (snapshot, reset, --state).
/// It holds secrets (bearer tokens, webhook secrets): the state file is owner-only like the rest.
/// </summary>
public sealed class DfnsState
{
    public List<DfnsUser> Users { get; set; } = new();

    public List<DfnsCredential> Credentials { get; set; } = new();

    public List<DfnsWebhook> Webhooks { get; set; } = new();

    /// <summary>PUT /_emulator/dfns/settings; null falls back to --dfns-sa-create-credentials.</summary>
    public bool? ServiceAccountsMayCreateCredentials { get; set; }

    /// <summary>credIds whose user-action signatures are refused as if the key were wrong (PUT /_emulator/dfns/refusals).</summary>
    public List<string> RefusedCredIds { get; set; } = new();

    public DfnsUser? FindUserByToken(string token) => Users.Find(u => string.Equals(u.Token, token, StringComparison.Ordinal));

    public DfnsCredential? FindByUuid(string uuid) => Credentials.Find(c => string.Equals(c.CredentialUuid, uuid, StringComparison.Ordinal));

    public DfnsCredential? FindByCredId(string credId) => Credentials.Find(c => string.Equals(c.CredId, credId, StringComparison.Ordinal));

    public DfnsWebhook? FindWebhook(string id) => Webhooks.Find(w => string.Equals(w.Id, id, StringComparison.Ordinal));
}

/// <summary>A service account with its one bearer token (the emulator seeds service accounts only).</summary>
public sealed class DfnsUser
{
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    public string OrgId { get; set; } = "";

    /// <summary>The bearer token (a secret); it does not change when the account's keys rotate.</summary>
    public string Token { get; set; } = "";

    public bool IsServiceAccount { get; set; } = true;

    public DateTimeOffset DateCreated { get; set; }
}

/// <summary>A credential (only kind Key is emulated).</summary>
public sealed class DfnsCredential
{
    public string CredentialUuid { get; set; } = "";

    /// <summary>The client-chosen credential id (credentialId on the wire, credId in assertions).</summary>
    public string CredId { get; set; } = "";

    public string UserId { get; set; } = "";

    public string Kind { get; set; } = DfnsWire.KindKey;

    public string Name { get; set; } = "";

    /// <summary>The public key as given (PEM).</summary>
    public string PublicKey { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public DateTimeOffset DateCreated { get; set; }

    public string RelyingPartyId { get; set; } = "";

    public string Origin { get; set; } = "";
}

/// <summary>A webhook of the organisation.</summary>
public sealed class DfnsWebhook
{
    public string Id { get; set; } = "";

    public string Url { get; set; } = "";

    public List<string> Events { get; set; } = new();

    public string Status { get; set; } = "Enabled";

    public string? Description { get; set; }

    public DateTimeOffset DateCreated { get; set; }

    public DateTimeOffset DateUpdated { get; set; }

    /// <summary>The signing secret (returned only by the create call).</summary>
    public string Secret { get; set; } = "";
}
