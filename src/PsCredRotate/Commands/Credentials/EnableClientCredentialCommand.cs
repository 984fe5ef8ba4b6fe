using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>Enable-ClientCredential: attaches a stored credential to private_key_jwt, keeping the others.</summary>
[Cmdlet(VerbsLifecycle.Enable, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class EnableClientCredentialCommand : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential's id (cred_...) or kid.")]
    [Alias("Id", "Kid")]
    [ValidateNotNullOrEmpty]
    public string CredentialId { get; set; } = null!;

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Manager.EnableAsync(ClientId, CredentialId, ct), CredentialId, out ClientCredential? credential) && credential is not null && PassThru.IsPresent)
        {
            WriteObject(credential);
        }
    }
}
