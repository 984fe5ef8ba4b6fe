using System;
using System.Globalization;
using System.Text.Json;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>
/// One credential of the Dfns user (service account or PAT owner), as GET /auth/credentials lists
/// it. <see cref="CredentialUuid"/> binds by property name to Disable/Enable-DfnsCredential;
/// <see cref="Kid"/> is the RFC 7638 thumbprint of its public key (PsCredRotate names keys by it,
/// and uses it as the credId of the credentials it creates).
/// </summary>
public sealed class DfnsCredential
{
    public DfnsCredential(string credentialUuid, string credentialId, string kind, string? name, bool isActive, DateTimeOffset? dateCreated, string? publicKey, string? relyingPartyId, string? origin, string? kid, bool isCurrent)
    {
        CredentialUuid = credentialUuid ?? throw new ArgumentNullException(nameof(credentialUuid));
        CredentialId = credentialId ?? throw new ArgumentNullException(nameof(credentialId));
        Kind = kind ?? throw new ArgumentNullException(nameof(kind));
        Name = name;
        IsActive = isActive;
        DateCreated = dateCreated;
        PublicKey = publicKey;
        RelyingPartyId = relyingPartyId;
        Origin = origin;
        Kid = kid;
        IsCurrent = isCurrent;
    }

    /// <summary>Dfns's id of the credential record (<c>cr-…</c>).</summary>
    public string CredentialUuid { get; }

    /// <summary>The credId a signer presents (for keys PsCredRotate creates: the key's Kid).</summary>
    public string CredentialId { get; }

    /// <summary>Key, Fido2, PasswordProtectedKey, RecoveryKey, …</summary>
    public string Kind { get; }

    public string? Name { get; }

    public bool IsActive { get; }

    public DateTimeOffset? DateCreated { get; }

    /// <summary>The public key as Dfns holds it (PEM for Key credentials).</summary>
    public string? PublicKey { get; }

    public string? RelyingPartyId { get; }

    public string? Origin { get; }

    /// <summary>RFC 7638 SHA-256 thumbprint of <see cref="PublicKey"/>; null when it is not a key PsCredRotate can read.</summary>
    public string? Kid { get; }

    /// <summary>True for the credential the connection signs user actions with.</summary>
    public bool IsCurrent { get; }

    public bool IsKey => string.Equals(Kind, DfnsWire.KindKey, StringComparison.Ordinal);

    public override string ToString() => $"{Kind} credential {CredentialUuid} ({CredentialId}){(IsActive ? string.Empty : ", inactive")}";

    internal DfnsCredential WithCurrent(bool isCurrent) =>
        new(CredentialUuid, CredentialId, Kind, Name, IsActive, DateCreated, PublicKey, RelyingPartyId, Origin, Kid, isCurrent);

    /// <summary>Reads one item of the list (or a create answer); null when it lacks the ids.</summary>
    internal static DfnsCredential? Parse(JsonElement item, string? currentCredId)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? uuid = Text(item, DfnsWire.CredentialUuid);
        string? credId = Text(item, DfnsWire.CredentialId);
        if (uuid is null || credId is null)
        {
            return null;
        }

        string? publicKey = Text(item, DfnsWire.PublicKey);
        DateTimeOffset? created = Text(item, DfnsWire.DateCreated) is string date
            && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed) ? parsed : null;
        bool active = item.TryGetProperty(DfnsWire.IsActive, out JsonElement a) && a.ValueKind == JsonValueKind.True;
        return new DfnsCredential(
            uuid,
            credId,
            Text(item, DfnsWire.Kind) ?? string.Empty,
            Text(item, DfnsWire.Name),
            active,
            created,
            publicKey,
            Text(item, DfnsWire.RelyingPartyId),
            Text(item, DfnsWire.Origin),
            KidOf(publicKey),
            currentCredId is not null && string.Equals(credId, currentCredId, StringComparison.Ordinal));
    }

    /// <summary>The thumbprint of a PEM public key; null when it cannot be read.</summary>
    internal static string? KidOf(string? publicKeyPem)
    {
        if (string.IsNullOrWhiteSpace(publicKeyPem))
        {
            return null;
        }

        try
        {
            using RotationKey key = KeyImporter.FromPem(publicKeyPem!);
            return key.Kid;
        }
        catch (PsCredRotateException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
