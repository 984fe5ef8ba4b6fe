using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Enable-DfnsCredential: activates a credential again (PUT /auth/credentials/activate, a user
/// action signed by the connection's credential): the rollback of a rotation's deactivation.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "DfnsCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DfnsCredential))]
public sealed class EnableDfnsCredentialCommand : DfnsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential's uuid (cr-…).")]
    [ValidateNotNullOrEmpty]
    public string CredentialUuid { get; set; } = null!;

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!TryAwait(ct => Dfns.Credentials.ListAsync(ct), CredentialUuid, out IReadOnlyList<DfnsCredential> all))
        {
            return;
        }

        DfnsCredential target;
        try
        {
            target = DfnsCredentialManager.Find(all, CredentialUuid);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
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

        if (PassThru.IsPresent && TryAwait(ct => Dfns.Credentials.ListAsync(ct), target.CredentialUuid, out IReadOnlyList<DfnsCredential> after))
        {
            WriteObject(DfnsCredentialManager.Find(after, target.CredentialUuid));
        }
    }
}
