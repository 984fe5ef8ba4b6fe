using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Disable-DfnsCredential: deactivates a credential (PUT /auth/credentials/deactivate, a user
/// action signed by the connection's credential). The connection's own credential and the user's
/// last active Key credential are refused (DfnsCredentialIsCurrent, DfnsLastActiveCredential)
/// unless -Force, and even then a High-impact question is asked (-Confirm:$false answers it).
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "DfnsCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DfnsCredential))]
public sealed class DisableDfnsCredentialCommand : DfnsCredentialTargetCmdlet
{
    /// <summary>Allow deactivating the connection's own or the last active Key credential (still asks).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (!TryReadTarget(out IReadOnlyList<DfnsCredential> all, out DfnsCredential target))
        {
            return;
        }

        if (!target.IsActive)
        {
            WriteVerbose($"Credential {target.CredentialUuid} is already inactive.");
            WritePassThru(target);
            return;
        }

        DfnsDeactivationRisk risk = DfnsCredentialManager.AssessDeactivation(all, target, Dfns.CredentialId);
        if (!Force.IsPresent && DfnsCredentialManager.RefuseDeactivation(risk, target) is PsCredRotateException refusal)
        {
            WriteError(refusal);
            return;
        }

        if (!ShouldProcess($"Dfns credential '{target.CredentialId}' ({target.CredentialUuid})", $"Deactivate, signed by credential '{Dfns.CredentialId}'"))
        {
            return;
        }

        if (risk != DfnsDeactivationRisk.None && !ConfirmHighImpact(DfnsCredentialManager.DeactivationWarning(risk, target), "Deactivate a credential that keeps the user signed in"))
        {
            return;
        }

        if (TryAwait(async ct => { await Dfns.Credentials.DeactivateAsync(target.CredentialUuid, ct).ConfigureAwait(false); return true; }, target.CredentialUuid, out _))
        {
            WritePassThru(target);
        }
    }
}
