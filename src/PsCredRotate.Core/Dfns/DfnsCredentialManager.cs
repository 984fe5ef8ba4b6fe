using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>Why deactivating a credential could lock the user out.</summary>
public enum DfnsDeactivationRisk
{
    /// <summary>Other active Key credentials remain, and it is not the connection's own.</summary>
    None,

    /// <summary>It is the credential the connection signs with.</summary>
    CurrentCredential,

    /// <summary>It is the user's last active Key credential.</summary>
    LastActiveKey,
}

/// <summary>The credential calls of one <see cref="DfnsConnection"/>: list, add (with attestation), activate, deactivate, test.</summary>
public sealed class DfnsCredentialManager
{
    private readonly DfnsConnection _connection;

    internal DfnsCredentialManager(DfnsConnection connection)
    {
        _connection = connection;
    }

    /// <summary>GET /auth/credentials: every credential of the token's user, the current one marked.</summary>
    public async Task<IReadOnlyList<DfnsCredential>> ListAsync(CancellationToken cancellationToken)
    {
        JsonElement answer = await _connection.SendAsync(HttpMethod.Get, DfnsWire.CredentialsPath, null, null, cancellationToken).ConfigureAwait(false);
        if (!answer.TryGetProperty(DfnsWire.Items, out JsonElement items) || items.ValueKind != JsonValueKind.Array)
        {
            throw ApiErrors.InvalidResponse("GET", DfnsWire.CredentialsPath, 200, "no items list in the answer", DfnsWire.CredentialsPath);
        }

        string current = _connection.CredentialId;
        return items.EnumerateArray().Select(i => DfnsCredential.Parse(i, current)).Where(c => c is not null).Select(c => c!).ToList();
    }

    /// <summary>
    /// Creates a Key credential for <paramref name="key"/> (credId = its Kid): POST
    /// /auth/credentials/init, the attestation signed by the new key, then POST /auth/credentials
    /// as a user action signed by <paramref name="signer"/> (default: the current credential).
    /// </summary>
    public Task<DfnsCredential> AddAsync(RotationKey key, string? name, CancellationToken cancellationToken) =>
        AddAsync(key, name, null, cancellationToken);

    internal async Task<DfnsCredential> AddAsync(RotationKey key, string? name, DfnsSigner? signer, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        RequirePrivate(key, "prove it holds the new key (the attestation)");
        DfnsSignatures.AlgorithmFor(key);
        signer ??= _connection.Signer;
        string credentialName = string.IsNullOrWhiteSpace(name) ? DefaultName(key) : name!.Trim();

        JsonElement init;
        try
        {
            init = await _connection.SendAsync(HttpMethod.Post, DfnsWire.CredentialsInitPath, DfnsSignatures.Write(w => w.WriteString(DfnsWire.Kind, DfnsWire.KindKey)), null, cancellationToken, key.Kid).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 403)
        {
            throw CreationForbidden(ex, key);
        }

        string challenge = DfnsConnection.Text(init, DfnsWire.Challenge) ?? throw ApiErrors.InvalidResponse("POST", DfnsWire.CredentialsInitPath, 200, "no challenge in the answer", key.Kid);
        string challengeId = DfnsConnection.Text(init, DfnsWire.ChallengeIdentifier) ?? throw ApiErrors.InvalidResponse("POST", DfnsWire.CredentialsInitPath, 200, "no challengeIdentifier in the answer", key.Kid);
        string body = CreateBody(key, credentialName, challenge, challengeId);

        JsonElement created;
        try
        {
            created = await _connection.SendAsync(HttpMethod.Post, DfnsWire.CredentialsPath, body, signer, cancellationToken, key.Kid).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 403 && ex.ErrorId != ErrorIds.DfnsUserActionRefused)
        {
            throw CreationForbidden(ex, key);
        }
        catch (ApiException ex) when (ex.StatusCode == 409)
        {
            throw new ApiException(
                ErrorIds.DfnsCredentialExists,
                ErrorKind.ResourceExists,
                $"Dfns already holds a credential for key {key.Kid}{(ex.ProviderMessage is null ? string.Empty : " (" + ex.ProviderMessage + ")")}. Get-DfnsCredential shows it; activate it instead of adding it again.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                key.Kid,
                ex);
        }

        DfnsCredential? credential = DfnsCredential.Parse(created, _connection.CredentialId);
        if (credential is null)
        {
            throw ApiErrors.InvalidResponse("POST", DfnsWire.CredentialsPath, 200, "no credentialUuid or credentialId in the answer", key.Kid);
        }

        OperationLog.Current.Verbose($"Added Key credential {credential.CredentialUuid} (credId {credential.CredentialId}, {DfnsSignatures.AlgorithmFor(key)}).");
        return credential;
    }

    /// <summary>PUT /auth/credentials/deactivate (user action). Callers check <see cref="AssessDeactivation"/> first.</summary>
    public Task DeactivateAsync(string credentialUuid, CancellationToken cancellationToken) =>
        SetActiveAsync(credentialUuid, active: false, null, cancellationToken);

    /// <summary>PUT /auth/credentials/activate (user action).</summary>
    public Task ActivateAsync(string credentialUuid, CancellationToken cancellationToken) =>
        SetActiveAsync(credentialUuid, active: true, null, cancellationToken);

    internal async Task SetActiveAsync(string credentialUuid, bool active, DfnsSigner? signer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(credentialUuid))
        {
            throw new ArgumentException("A credential uuid is required.", nameof(credentialUuid));
        }

        string path = active ? DfnsWire.ActivatePath : DfnsWire.DeactivatePath;
        string body = DfnsSignatures.Write(w => w.WriteString(DfnsWire.CredentialUuid, credentialUuid));
        try
        {
            await _connection.SendAsync(HttpMethod.Put, path, body, signer ?? _connection.Signer, cancellationToken, credentialUuid).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 404)
        {
            throw NotFound(credentialUuid, ex);
        }

        OperationLog.Current.Verbose($"{(active ? "Activated" : "Deactivated")} credential {credentialUuid}.");
    }

    /// <summary>
    /// A real signed call with <paramref name="key"/> that changes nothing: a user-action
    /// challenge (for activating the key's own credential) answered with an assertion the server
    /// verifies; the user-action token is never used. With no <paramref name="credentialId"/> the
    /// credential is found by the key's public key.
    /// </summary>
    public async Task<DfnsCredentialTestResult> TestAsync(RotationKey key, string? credentialId, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        RequirePrivate(key, "sign the test");
        DfnsSignatures.AlgorithmFor(key);
        IReadOnlyList<DfnsCredential> all = await ListAsync(cancellationToken).ConfigureAwait(false);
        DfnsCredential? credential = string.IsNullOrWhiteSpace(credentialId)
            ? all.Where(c => c.IsKey && c.Kid == key.Kid).OrderByDescending(c => c.IsActive).FirstOrDefault()
            : all.FirstOrDefault(c => string.Equals(c.CredentialId, credentialId!.Trim(), StringComparison.Ordinal));
        string credId = credential?.CredentialId ?? credentialId?.Trim() ?? key.Kid;
        if (credential is null)
        {
            return DfnsCredentialTestResult.Failed(credId, null, key.Kid, ErrorIds.DfnsCredentialNotFound, string.IsNullOrWhiteSpace(credentialId)
                ? $"No credential of this user holds key {key.Kid}."
                : $"The user has no credential with credId '{credId}'.");
        }

        if (credential.Kid != key.Kid)
        {
            return DfnsCredentialTestResult.Failed(credId, credential.CredentialUuid, key.Kid, ErrorIds.DfnsCredentialKeyMismatch, $"The credential '{credId}' holds a different public key than key {key.Kid}.");
        }

        if (!credential.IsActive)
        {
            return DfnsCredentialTestResult.Failed(credId, credential.CredentialUuid, key.Kid, ErrorIds.DfnsCredentialInactive, $"The credential '{credId}' is deactivated and cannot sign.");
        }

        string payload = DfnsSignatures.Write(w => w.WriteString(DfnsWire.CredentialUuid, credential.CredentialUuid));
        try
        {
            await _connection.SignUserActionAsync(HttpMethod.Put, DfnsWire.ActivatePath, payload, new DfnsSigner(credId, key), cancellationToken).ConfigureAwait(false);
        }
        catch (PsCredRotateException ex) when (ex.ErrorId is ErrorIds.DfnsUserActionRefused or ErrorIds.DfnsUserActionCredentialNotAllowed)
        {
            return DfnsCredentialTestResult.Failed(credId, credential.CredentialUuid, key.Kid, ex.ErrorId, ex.Message);
        }

        OperationLog.Current.Verbose($"Dfns accepted a user-action signature by credential {credId} (key {key.Kid}).");
        return new DfnsCredentialTestResult(true, credId, credential.CredentialUuid, key.Kid, null, "Dfns accepted a user-action signature made with the key.");
    }

    /// <summary>Whether deactivating <paramref name="target"/> could lock the user out.</summary>
    public static DfnsDeactivationRisk AssessDeactivation(IReadOnlyList<DfnsCredential> all, DfnsCredential target, string currentCredId)
    {
        if (string.Equals(target.CredentialId, currentCredId, StringComparison.Ordinal))
        {
            return DfnsDeactivationRisk.CurrentCredential;
        }

        bool othersActive = all.Any(c => c.IsKey && c.IsActive && c.CredentialUuid != target.CredentialUuid);
        return target.IsKey && target.IsActive && !othersActive ? DfnsDeactivationRisk.LastActiveKey : DfnsDeactivationRisk.None;
    }

    /// <summary>The credential with that uuid, or <see cref="ErrorIds.DfnsCredentialNotFound"/>.</summary>
    public static DfnsCredential Find(IReadOnlyList<DfnsCredential> all, string credentialUuid) =>
        all.FirstOrDefault(c => string.Equals(c.CredentialUuid, credentialUuid?.Trim(), StringComparison.Ordinal))
        ?? throw NotFound(credentialUuid, null);

    internal static string DefaultName(RotationKey key) =>
        "PsCredRotate " + DfnsSignatures.AlgorithmFor(key).ToString() + " " + key.Kid.Substring(0, Math.Min(8, key.Kid.Length));

    /// <summary>The body of POST /auth/credentials for a Key credential (credId = the key's Kid).</summary>
    internal static string CreateBody(RotationKey key, string name, string challenge, string challengeId)
    {
        string clientData = DfnsSignatures.AttestationClientData(challenge);
        string attestation = DfnsSignatures.AttestationData(key, clientData);
        return DfnsSignatures.Write(w =>
        {
            w.WriteString(DfnsWire.CredentialKind, DfnsWire.KindKey);
            w.WriteStartObject(DfnsWire.CredentialInfo);
            w.WriteString(DfnsWire.CredId, key.Kid);
            w.WriteString(DfnsWire.ClientData, Base64Url.Encode(Encoding.UTF8.GetBytes(clientData)));
            w.WriteString(DfnsWire.AttestationData, Base64Url.Encode(Encoding.UTF8.GetBytes(attestation)));
            w.WriteEndObject();
            w.WriteString(DfnsWire.CredentialName, name);
            w.WriteString(DfnsWire.ChallengeIdentifier, challengeId);
        });
    }

    private static void RequirePrivate(RotationKey key, string why)
    {
        if (!key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                $"The key '{key.Kid}' holds only the public half; the private key is needed to {why}.",
                key.Kid);
        }
    }

    private static ApiException CreationForbidden(ApiException ex, RotationKey key) =>
        new(
            ErrorIds.DfnsCredentialCreationForbidden,
            ErrorKind.PermissionDenied,
            $"Dfns refused to create a credential for this user ({ex.Method} {ex.Path}, HTTP {ex.StatusCode?.ToString(CultureInfo.InvariantCulture)}{(ex.ProviderMessage is null ? string.Empty : ": " + ex.ProviderMessage)}). Dfns's API reference lists service accounts and personal access tokens as not allowed to create credentials, while its rotation guide does exactly that; this organization follows the reference (or the token lacks Auth:Creds:Create). Nothing was changed: the current credential is still active. Rotate the key by creating a new service account (or token) with the new public key instead.",
            ex.Method,
            ex.Path,
            ex.StatusCode,
            ex.ProviderErrorCode,
            ex.ProviderMessage,
            key.Kid,
            ex);

    private static PsCredRotateException NotFound(string credentialUuid, ApiException? ex) =>
        new(
            ErrorIds.DfnsCredentialNotFound,
            ErrorKind.ObjectNotFound,
            $"The user has no credential '{credentialUuid}'. Get-DfnsCredential lists them.",
            credentialUuid,
            ex);
}

/// <summary>What Test-DfnsCredential found: whether Dfns accepted a signature of the key, and why not.</summary>
public sealed class DfnsCredentialTestResult
{
    public DfnsCredentialTestResult(bool success, string credentialId, string? credentialUuid, string keyId, string? errorId, string reason)
    {
        Success = success;
        CredentialId = credentialId;
        CredentialUuid = credentialUuid;
        KeyId = keyId;
        ErrorId = errorId;
        Reason = reason;
    }

    public bool Success { get; }

    public string CredentialId { get; }

    public string? CredentialUuid { get; }

    /// <summary>The tested key's thumbprint.</summary>
    public string KeyId { get; }

    /// <summary>The condition when it failed (DfnsUserActionRefused, DfnsCredentialInactive, …).</summary>
    public string? ErrorId { get; }

    public string Reason { get; }

    public override string ToString() => Success ? $"credential {CredentialId}: works" : $"credential {CredentialId}: {ErrorId}";

    internal static DfnsCredentialTestResult Failed(string credId, string? uuid, string kid, string errorId, string reason) =>
        new(false, credId, uuid, kid, errorId, reason);
}
