using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Disable-ClientCredential: detaches a credential from private_key_jwt, keeping the others. The
/// client's last attached credential is refused (LastAttachedCredential) unless -Force, and even
/// then the user is asked (ShouldContinue, which -Confirm:$false does not skip).
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class DisableClientCredentialCommand : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential's id (cred_...) or kid.")]
    [Alias("Id", "Kid")]
    [ValidateNotNullOrEmpty]
    public string CredentialId { get; set; } = null!;

    /// <summary>Allow detaching the last attached credential (still asks).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Manager.DisableAsync(ClientId, CredentialId, Force.IsPresent, ct), CredentialId, out ClientCredential? credential) && credential is not null && PassThru.IsPresent)
        {
            WriteObject(credential);
        }
    }
}
