using System.Management.Automation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Remove-ClientCredential: detaches the credential if attached (with Disable-ClientCredential's
/// last-credential guard), then deletes it. Takes Get-ClientCredential output from the pipeline.
/// Writes nothing.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveClientCredentialCommand : CredentialTargetCmdlet
{
    /// <summary>Allow removing the last attached credential (still asks, unless -Confirm:$false).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Manager.RemoveAsync(ClientId, CredentialId, Force.IsPresent, ct), CredentialId, out bool removed) && removed)
        {
            WriteVerbose($"Removed credential '{CredentialId}' of client '{ClientId}'.");
        }
    }
}
