using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.SigningKeys;

/// <summary>
/// Get, revoke and policy-rotate a tenant's signing keys. Every refusal is decided from a read
/// before any write, so a refused call changes nothing; every write asks
/// <see cref="IRotationHost.ShouldProcess"/> first.
/// </summary>
public sealed class SigningKeyManager
{
    /// <summary>The tenant's own JWKS, as it is named in results and messages.</summary>
    public const string TenantJwksPath = "/.well-known/jwks.json";

    private readonly ISigningKeyApi _api;
    private readonly IRotationHost _host;

    public SigningKeyManager(ISigningKeyApi api, IRotationHost host)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _host = host ?? throw new ArgumentNullException(nameof(host));
    }

    /// <summary>The key named by <paramref name="kid"/>, or every key, filtered by <paramref name="states"/> (empty: all).</summary>
    public async Task<IReadOnlyList<SigningKey>> GetAsync(string? kid, IReadOnlyCollection<SigningKeyState>? states, CancellationToken cancellationToken)
    {
        IReadOnlyList<SigningKey> keys = kid is null
            ? await _api.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false)
            : new[] { await _api.GetSigningKeyAsync(kid, cancellationToken).ConfigureAwait(false) };
        return states is null || states.Count == 0 ? keys : keys.Where(k => states.Contains(k.State)).ToList();
    }

    /// <summary>
    /// Revokes the key <paramref name="kid"/>, or (null) every previous key. Current, next and
    /// already revoked keys, and previous keys inside <paramref name="retentionPeriod"/> (unless
    /// <paramref name="force"/>) are refused before any write. Returns the revoked keys as they are now.
    /// </summary>
    public async Task<IReadOnlyList<SigningKey>> RevokeAsync(string? kid, TimeSpan retentionPeriod, bool force, CancellationToken cancellationToken)
    {
        SigningKeyPolicy.Check(retentionPeriod, "RetentionPeriod");
        IReadOnlyList<SigningKey> keys = await _api.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _api.Now;
        List<SigningKey> targets;
        if (kid is not null)
        {
            SigningKey key = keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal))
                ?? throw new PsCredRotateException(ErrorIds.SigningKeyNotFound, ErrorKind.ObjectNotFound, $"The tenant {_api.Tenant} has no signing key '{kid}'.", kid);
            targets = new List<SigningKey> { key };
        }
        else
        {
            targets = keys.Where(k => k.State == SigningKeyState.Previous).ToList();
            if (targets.Count == 0)
            {
                throw new PsCredRotateException(
                    ErrorIds.SigningKeyNoPrevious,
                    ErrorKind.InvalidOperation,
                    $"The tenant {_api.Tenant} has no previous signing key to revoke (keys: {string.Join(", ", keys.Select(k => k.Kid + " " + k.State))}).",
                    _api.Tenant);
            }
        }

        foreach (SigningKey key in targets)
        {
            CheckRevocable(key, now, retentionPeriod, force);
        }

        var revoked = new List<string>();
        foreach (SigningKey key in targets)
        {
            if (_host.ShouldProcess(Target(key.Kid), RevokeAction(key.Kid)))
            {
                await _api.RevokeSigningKeyAsync(key.Kid, cancellationToken).ConfigureAwait(false);
                _host.Verbose($"Revoked the signing key {key.Kid} of {_api.Tenant}.");
                revoked.Add(key.Kid);
            }
        }

        if (revoked.Count == 0)
        {
            return Array.Empty<SigningKey>();
        }

        IReadOnlyList<SigningKey> after = await _api.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        return after.Where(k => revoked.Contains(k.Kid)).ToList();
    }

    /// <summary>
    /// One run of the policy: reads the keys, decides (<see cref="SigningKeyPolicyEngine.Decide"/>),
    /// revokes what is due, rotates when due. With <paramref name="verifyJwksUris"/> (may be empty:
    /// then the tenant's JWKS alone is checked when <paramref name="verify"/> is true) the next key
    /// must be served by every JWKS before the rotation, and the new current key after it.
    /// Null when a step was declined (-WhatIf or a "no" answer).
    /// </summary>
    public async Task<SigningKeyRotationResult?> InvokeAsync(SigningKeyPolicy policy, bool verify, IReadOnlyList<Uri> verifyJwksUris, CancellationToken cancellationToken)
    {
        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        policy.Validate();
        Uri? bad = (verifyJwksUris ?? Array.Empty<Uri>()).FirstOrDefault(u => u is null || !u.IsAbsoluteUri || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp));
        if (bad is not null || (verifyJwksUris ?? Array.Empty<Uri>()).Contains(null!))
        {
            throw new PsCredRotateException(ErrorIds.SigningKeyPolicyInvalid, ErrorKind.InvalidArgument, $"-VerifyJwksUri takes absolute http(s) URLs; '{bad}' is not one.", bad?.ToString());
        }

        IReadOnlyList<Uri?> jwks = verify ? new Uri?[] { null }.Concat(verifyJwksUris ?? Array.Empty<Uri>()).ToList() : Array.Empty<Uri?>();
        IReadOnlyList<SigningKey> keys = await _api.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _api.Now;
        SigningKeyDecision decision = SigningKeyPolicyEngine.Decide(keys, now, policy);
        _host.Verbose($"Signing-key policy for {_api.Tenant}: {decision.Action}. {decision.Reason}");

        if (decision.Rotate)
        {
            // The key about to sign every new token must already be trusted everywhere.
            await VerifyServedAsync(decision.NextKid!, jwks, rotated: false, cancellationToken).ConfigureAwait(false);
        }

        bool declined = false;
        var revoked = new List<string>();
        foreach (string kid in decision.Revoke)
        {
            if (_host.ShouldProcess(Target(kid), RevokeAction(kid)))
            {
                await _api.RevokeSigningKeyAsync(kid, cancellationToken).ConfigureAwait(false);
                _host.Verbose($"Revoked the signing key {kid} of {_api.Tenant}.");
                revoked.Add(kid);
            }
            else
            {
                declined = true;
            }
        }

        if (decision.Rotate)
        {
            string action = $"Rotate: the next key {decision.NextKid} becomes current and signs every new token; the current key {decision.CurrentKid} becomes previous and stays published until it is revoked";
            if (_host.ShouldProcess("signing keys of " + _api.Tenant, action))
            {
                string newNext = await _api.RotateSigningKeyAsync(cancellationToken).ConfigureAwait(false);
                _host.Verbose($"Rotated the signing key of {_api.Tenant}: {decision.NextKid} is current, {newNext} is the new next key.");
                await VerifyServedAsync(decision.NextKid!, jwks, rotated: true, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                declined = true;
            }
        }

        if (declined)
        {
            return null;
        }

        IReadOnlyList<SigningKey> after = decision.Action is SigningKeyAction.Rotated or SigningKeyAction.Revoked
            ? await _api.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false)
            : keys;
        return new SigningKeyRotationResult(
            _api.Tenant,
            decision.Action,
            decision.Reason,
            now,
            decision.NextActionAt,
            revoked,
            decision.Rotate ? jwks.Select(Name).ToList() : Array.Empty<string>(),
            after);
    }

    private async Task VerifyServedAsync(string kid, IReadOnlyList<Uri?> jwks, bool rotated, CancellationToken cancellationToken)
    {
        foreach (Uri? uri in jwks)
        {
            IReadOnlyList<string> served = await _api.GetJwksKidsAsync(uri, cancellationToken).ConfigureAwait(false);
            if (!served.Contains(kid, StringComparer.Ordinal))
            {
                string message = rotated
                    ? $"The rotation happened, but the JWKS at {Name(uri)} does not serve the new current key {kid} (it serves: {string.Join(", ", served)}): tokens signed now fail where that JWKS is trusted. Refresh that JWKS (or its cache) at once; the previous key still signs nothing."
                    : $"Not rotated: the JWKS at {Name(uri)} does not serve the next key {kid} yet (it serves: {string.Join(", ", served)}), so tokens signed after a rotation would fail there. Nothing was changed.";
                throw new PsCredRotateException(ErrorIds.SigningKeyNotPublished, ErrorKind.InvalidOperation, message, Name(uri));
            }

            _host.Verbose($"The JWKS at {Name(uri)} serves {kid}.");
        }
    }

    private string Name(Uri? uri) => uri?.AbsoluteUri ?? "https://" + _api.Tenant + TenantJwksPath;

    private string Target(string kid) => $"signing key {kid} of {_api.Tenant}";

    private static string RevokeAction(string kid) =>
        $"Revoke: tokens signed with the key {kid} stop validating at once, and a revoked key cannot be used again";

    private void CheckRevocable(SigningKey key, DateTimeOffset now, TimeSpan retentionPeriod, bool force)
    {
        switch (key.State)
        {
            case SigningKeyState.Current:
                throw new PsCredRotateException(
                    ErrorIds.SigningKeyIsCurrent,
                    ErrorKind.InvalidOperation,
                    $"The signing key {key.Kid} is the current key of {_api.Tenant}: it signs every new token and cannot be revoked. Rotate first (Invoke-SigningKeyRotation); only the previous key can be revoked.",
                    key.Kid);
            case SigningKeyState.Next:
                throw new PsCredRotateException(
                    ErrorIds.SigningKeyIsNext,
                    ErrorKind.InvalidOperation,
                    $"The signing key {key.Kid} is the next key of {_api.Tenant}: it becomes current at the next rotation and cannot be revoked; only the previous key can be revoked.",
                    key.Kid);
            case SigningKeyState.Revoked:
                throw new PsCredRotateException(
                    ErrorIds.SigningKeyAlreadyRevoked,
                    ErrorKind.InvalidOperation,
                    $"The signing key {key.Kid} of {_api.Tenant} is already revoked.",
                    key.Kid);
        }

        if (force)
        {
            return;
        }

        if (key.CurrentUntil is not DateTimeOffset until)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyInRetention,
                ErrorKind.InvalidOperation,
                $"The previous signing key {key.Kid} of {_api.Tenant} does not say when it stopped being current, so the retention period of {SigningKeyPolicyEngine.Describe(retentionPeriod)} cannot be proven over. Tokens it signed may still be in use; -Force revokes it anyway.",
                key.Kid);
        }

        TimeSpan age = now - until;
        if (age < retentionPeriod)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyInRetention,
                ErrorKind.InvalidOperation,
                $"The signing key {key.Kid} of {_api.Tenant} stopped being current {SigningKeyPolicyEngine.Describe(age)} ago, inside the retention period of {SigningKeyPolicyEngine.Describe(retentionPeriod)} (until {SigningKeyPolicyEngine.Stamp(until + retentionPeriod)}): tokens it signed may still be in use. Wait, or use -Force.",
                key.Kid);
        }
    }
}
