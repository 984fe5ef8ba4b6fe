using System.Management.Automation;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Enable-DfnsCredential: activates a credential again (PUT /auth/credentials/activate, a user
/// action signed by the connection's credential): the rollback of a rotation's deactivation.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "DfnsCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DfnsCredential))]
public sealed class EnableDfnsCredentialCommand : DfnsCredentialTargetCmdlet
{
    protected override void ProcessRecord()
    {
        if (!TryReadTarget(out _, out DfnsCredential target))
        {
            return;
        }

        if (target.IsActive)
        {
            WriteVerbose($"Credential {target.CredentialUuid} is already active.");
        }
        else if (!ShouldProcess($"Dfns credential '{target.CredentialId}' ({target.CredentialUuid})", $"Activate, signed by credential '{Dfns.CredentialId}'")
            || !TryAwait(async ct => { await Dfns.Credentials.ActivateAsync(target.CredentialUuid, ct).ConfigureAwait(false); return true; }, target.CredentialUuid, out _))
        {
            return;
        }

        WritePassThru(target);
    }
}
