using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Disable-ClientCredential: detaches a credential from private_key_jwt, keeping the others. The
/// client's last attached credential is refused (LastAttachedCredential) unless -Force, and even
/// then the user is asked a High-impact question (which -Confirm:$false answers for a runbook).
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class DisableClientCredentialCommand : CredentialTargetCmdlet
{
    /// <summary>Allow detaching the last attached credential (still asks, unless -Confirm:$false).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Change((manager, ct) => manager.DisableAsync(ClientId, CredentialId, Force.IsPresent, ct), PassThru.IsPresent);
    }
}
