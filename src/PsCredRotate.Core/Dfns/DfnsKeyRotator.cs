using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Dfns;

/// <summary>
/// Rotates the key of the connection's service account or PAT the way Dfns's guide does it: add
/// the new Key credential (user action signed by the old key), deploy, verify it with a real
/// signed call, deactivate the old one (signed by the new key), then sign with the new key. The
/// server state is read again before every step, and the new credential is recognised by its
/// credId (the new key's thumbprint), so an interrupted run finishes when run again. A failed
/// deploy or verification deactivates the new credential (signed by the old key) and leaves the
/// old one active: nobody is locked out.
/// </summary>
public sealed class DfnsKeyRotator
{
    private readonly DfnsConnection _connection;
    private readonly IRotationHost _host;

    public DfnsKeyRotator(DfnsConnection connection, IRotationHost host)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _host = host ?? throw new ArgumentNullException(nameof(host));
    }

    public async Task<DfnsKeyRotationResult> InvokeAsync(DfnsKeyRotationOptions options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        DfnsCredentialManager credentials = _connection.Credentials;
        Report(options, 0, "Reading the credentials");
        DfnsSigner oldSigner = _connection.Signer;
        RotationKeySource source = ResolveKey(options, oldSigner.CredId);
        RotationKey newKey = source.Key;
        DfnsSignatures.AlgorithmFor(newKey);

        IReadOnlyList<DfnsCredential> all = await credentials.ListAsync(cancellationToken).ConfigureAwait(false);
        if (string.Equals(newKey.Kid, oldSigner.Key.Kid, StringComparison.Ordinal))
        {
            DfnsCredential? done = all.FirstOrDefault(c => c.CredentialId == oldSigner.CredId);
            var finished = new DfnsKeyRotationResult(oldSigner.CredId, null, newKey, source.Path) { Vault = source.Vault?.Vault, SecretName = source.Vault?.SecretName, NewCredentialUuid = done?.CredentialUuid, Status = DfnsKeyRotationStatus.AlreadyCompleted };
            finished.Add($"The connection already signs with key {newKey.Kid} (credential {oldSigner.CredId}): an earlier run finished. Deactivate any older credential with Disable-DfnsCredential if it is still active.");
            return finished;
        }

        DfnsCredential old = DfnsConnection.CheckCurrent(all, oldSigner);
        var result = new DfnsKeyRotationResult(old.CredentialId, old.CredentialUuid, newKey, source.Path) { Vault = source.Vault?.Vault, SecretName = source.Vault?.SecretName };
        string name = string.IsNullOrWhiteSpace(options.Name) ? DfnsCredentialManager.DefaultName(newKey) : options.Name!.Trim();
        string newTarget = $"Dfns credential '{newKey.Kid}'";
        string oldTarget = $"Dfns credential '{old.CredentialId}' ({old.CredentialUuid})";

        // ---- 1. Add (signed with the old key), unless an earlier run did.
        DfnsCredential? created = FindNew(all, newKey);
        if (created is null)
        {
            if (source.WriteToVault)
            {
                if (!_host.ShouldProcess(source.Vault!.ToString(), source.VaultAction))
                {
                    return Plan(result, newTarget, oldTarget, name, old, source);
                }

                source.WriteVault();
                result.Add($"Stored the new private key in the {source.Vault}.");
            }

            if (source.WriteToFile)
            {
                if (!_host.ShouldProcess(source.Path!, $"Write the new {result.Algorithm} private key {newKey.Kid} (owner-only)"))
                {
                    return Plan(result, newTarget, oldTarget, name, old, source);
                }

                source.Write();
                result.Add($"Wrote the new private key to '{source.Path}'.");
            }

            if (!_host.ShouldProcess(newTarget, $"Add Key credential '{name}' ({result.Algorithm}), signed by the current credential '{old.CredentialId}'"))
            {
                return Plan(result, newTarget, oldTarget, name, old, source, addShown: true);
            }

            Report(options, 20, "Adding the new credential");
            created = await credentials.AddAsync(newKey, name, oldSigner, cancellationToken).ConfigureAwait(false);
            result.Add($"Added credential {created.CredentialUuid} (credId {created.CredentialId}), signed by the old key.");
        }
        else if (!created.IsActive)
        {
            if (!_host.ShouldProcess(newTarget, $"Activate the existing credential {created.CredentialUuid} again (an earlier run left it inactive), signed by the current credential '{old.CredentialId}'"))
            {
                return Plan(result, newTarget, oldTarget, name, old, source, addShown: true);
            }

            Report(options, 20, "Activating the new credential again");
            await credentials.SetActiveAsync(created.CredentialUuid, active: true, oldSigner, cancellationToken).ConfigureAwait(false);
            result.Add($"Activated credential {created.CredentialUuid} again (an earlier run had deactivated it).");
        }
        else
        {
            result.Add($"Found credential {created.CredentialUuid} for key {newKey.Kid} (added by an earlier run).");
        }

        result.NewCredentialUuid = created.CredentialUuid;
        result.NewCredId = created.CredentialId;
        if (_host.WhatIf)
        {
            // An earlier run added it: show the remaining steps, sign nothing.
            return Plan(result, newTarget, oldTarget, name, old, source, addShown: true);
        }

        var newSigner = new DfnsSigner(created.CredentialId, newKey);

        // ---- 2. Deploy.
        if (options.Deploy is not null)
        {
            Report(options, 40, "Deploying the new key");
            try
            {
                await options.Deploy(result, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                string undo = await RollBackAsync(result, created, oldSigner, cancellationToken).ConfigureAwait(false);
                throw new PsCredRotateException(
                    ErrorIds.DfnsRotationDeployFailed,
                    ErrorKind.InvalidOperation,
                    $"Deploying the new key {newKey.Kid} failed: {e.Message} {undo}",
                    newKey.Kid,
                    e);
            }

            result.Add("Deployed the new key.");
        }

        // ---- 3. Verify with a real signed call.
        Report(options, 60, "Verifying the new key with a signed call");
        DfnsCredentialTestResult test = await credentials.TestAsync(newKey, created.CredentialId, cancellationToken).ConfigureAwait(false);
        if (!test.Success)
        {
            string undo = await RollBackAsync(result, created, oldSigner, cancellationToken).ConfigureAwait(false);
            throw new PsCredRotateException(
                ErrorIds.DfnsRotationVerificationFailed,
                ErrorKind.InvalidOperation,
                $"Dfns did not accept a signature of the new key {newKey.Kid} (credential {created.CredentialUuid}): {test.Reason} {undo}",
                newKey.Kid);
        }

        result.Add("Verified: Dfns accepted a user-action signature made with the new key.");

        // ---- 4. Deactivate the old one (signed with the new key), read again first.
        Report(options, 80, "Deactivating the old credential");
        all = await credentials.ListAsync(cancellationToken).ConfigureAwait(false);
        DfnsCredential? oldNow = all.FirstOrDefault(c => c.CredentialUuid == old.CredentialUuid);
        if (oldNow is { IsActive: true })
        {
            if (!_host.ShouldProcess(oldTarget, $"Deactivate the old credential, signed by the new credential '{created.CredentialId}'"))
            {
                return Stopped(result, created);
            }

            await credentials.SetActiveAsync(old.CredentialUuid, active: false, newSigner, cancellationToken).ConfigureAwait(false);
            result.Add($"Deactivated the old credential {old.CredentialUuid}, signed by the new key.");
        }
        else
        {
            result.Add($"The old credential {old.CredentialUuid} was already inactive.");
        }

        _connection.UseCredential(newSigner, created.CredentialUuid);
        result.Add($"The connection now signs with credential {created.CredentialId}.");
        result.Status = DfnsKeyRotationStatus.Completed;
        Report(options, 100, "Done");
        return result;
    }

    private static DfnsCredential? FindNew(IReadOnlyList<DfnsCredential> all, RotationKey newKey) =>
        all.Where(c => c.IsKey && (c.CredentialId == newKey.Kid || c.Kid == newKey.Kid)).OrderByDescending(c => c.IsActive).FirstOrDefault();

    private static RotationKeySource ResolveKey(DfnsKeyRotationOptions options, string oldCredentialId)
    {
        KeyAlgorithm algorithm = options.Algorithm;
        if (algorithm is not (KeyAlgorithm.ES256 or KeyAlgorithm.EdDSA or KeyAlgorithm.RS256))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsKeyTypeUnsupported,
                ErrorKind.InvalidArgument,
                $"Dfns keys are generated as ES256 (P-256), EdDSA (Ed25519) or RS256 (RSA-2048); {algorithm} is not one of them.",
                algorithm);
        }

        return RotationKeySource.Resolve(new RotationStartOptions(oldCredentialId)
        {
            Key = options.NewKey,
            VaultLocation = options.VaultLocation,
            KeyVault = options.KeyVault,
            CustodyProvider = "Dfns",
            KeyPath = options.KeyPath,
            KeyPassword = options.KeyPassword,
            Generate = new KeyGenerationOptions { Algorithm = algorithm, Name = options.Name },
        });
    }

    /// <summary>Deactivates the new credential with the old key after a failure; returns what to tell the user.</summary>
    private async Task<string> RollBackAsync(DfnsKeyRotationResult result, DfnsCredential created, DfnsSigner oldSigner, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<DfnsCredential> all = await _connection.Credentials.ListAsync(cancellationToken).ConfigureAwait(false);
            DfnsCredential? now = all.FirstOrDefault(c => c.CredentialUuid == created.CredentialUuid);
            if (now is { IsActive: true })
            {
                if (!_host.ShouldProcess($"Dfns credential '{created.CredentialId}' ({created.CredentialUuid})", $"Deactivate the new credential (rollback), signed by the old credential '{oldSigner.CredId}'"))
                {
                    return $"The new credential {created.CredentialUuid} was left active (the rollback was declined); the old credential {oldSigner.CredId} is active.";
                }

                await _connection.Credentials.SetActiveAsync(created.CredentialUuid, active: false, oldSigner, cancellationToken).ConfigureAwait(false);
            }

            result.Add($"Rolled back: deactivated the new credential {created.CredentialUuid}, signed by the old key.");
            return $"The new credential {created.CredentialUuid} was deactivated; the old credential {oldSigner.CredId} is still active and the connection still signs with it.";
        }
        catch (PsCredRotateException undo)
        {
            return $"Deactivating the new credential {created.CredentialUuid} failed too ({undo.ErrorId}: {undo.Message}); the old credential {oldSigner.CredId} is still active. Run Disable-DfnsCredential -CredentialUuid {created.CredentialUuid}.";
        }
    }

    private DfnsKeyRotationResult Plan(DfnsKeyRotationResult result, string newTarget, string oldTarget, string name, DfnsCredential old, RotationKeySource source, bool addShown = false)
    {
        if (!_host.WhatIf)
        {
            result.Status = DfnsKeyRotationStatus.Stopped;
            result.Add(result.NewCredentialUuid is null ? "Stopped: a step was declined; nothing was changed at Dfns." : $"Stopped: a step was declined. The new credential {result.NewCredentialUuid} exists next to the old one; run again to finish.");
            return result;
        }

        if (!addShown)
        {
            _host.ShouldProcess(newTarget, $"Add Key credential '{name}' ({result.Algorithm}), signed by the current credential '{old.CredentialId}'");
        }

        _host.ShouldProcess(newTarget, "Deploy (the -Deploy script, if given), then verify the new key with a signed user-action challenge");
        _host.ShouldProcess(oldTarget, $"Deactivate the old credential, signed by the new credential '{source.Key.Kid}'");
        if (result.NewCredentialUuid is null)
        {
            result.Add($"Would add Key credential '{name}' ({result.Algorithm}, credId {source.Key.Kid}), signed by '{old.CredentialId}'.");
        }

        result.Add("Would deploy and verify the new key with a signed call.");
        result.Add($"Would deactivate the old credential {old.CredentialUuid}, signed by the new key.");
        result.Status = DfnsKeyRotationStatus.Planned;
        return result;
    }

    private static DfnsKeyRotationResult Stopped(DfnsKeyRotationResult result, DfnsCredential created)
    {
        result.Status = DfnsKeyRotationStatus.Stopped;
        result.Add($"Stopped: a step was declined. The new credential {created.CredentialUuid} is active next to the old one; run again to finish.");
        return result;
    }

    private static void Report(DfnsKeyRotationOptions options, int percent, string status) =>
        options.Progress?.Report(new DfnsRotationProgress(percent, status));
}
