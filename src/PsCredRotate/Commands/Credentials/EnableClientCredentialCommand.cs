using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>Enable-ClientCredential: attaches a stored credential to private_key_jwt, keeping the others.</summary>
[Cmdlet(VerbsLifecycle.Enable, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class EnableClientCredentialCommand : CredentialTargetCmdlet
{
    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Change((manager, ct) => manager.EnableAsync(ClientId, CredentialId, ct), PassThru.IsPresent);
    }
}
