using System;
using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>Set-ClientCredential: changes a credential's expiry, or makes it never expire.</summary>
[Cmdlet(VerbsCommon.Set, "ClientCredential", DefaultParameterSetName = ExpiresAtParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class SetClientCredentialCommand : CredentialTargetCmdlet
{
    /// <summary>A new expiry.</summary>
    public const string ExpiresAtParameterSet = "ExpiresAt";

    /// <summary>No expiry.</summary>
    public const string NeverExpiresParameterSet = "NeverExpires";

    [Parameter(Mandatory = true, ParameterSetName = ExpiresAtParameterSet, HelpMessage = "When the provider stops accepting the credential.")]
    public DateTimeOffset ExpiresAt { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NeverExpiresParameterSet, HelpMessage = "Remove the expiry.")]
    public SwitchParameter NeverExpires { get; set; }

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        DateTimeOffset? expiresAt = ParameterSetName == NeverExpiresParameterSet ? null : ExpiresAt;
        Change((manager, ct) => manager.SetExpiryAsync(ClientId, CredentialId, expiresAt, ct), PassThru.IsPresent);
    }
}
