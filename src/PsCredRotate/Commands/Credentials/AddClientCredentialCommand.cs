using System;
using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Add-ClientCredential: creates a credential record for a key's public half (or its certificate),
/// optionally attaching it beside the others. The key is checked against the provider's policy
/// before any call.
/// </summary>
[Cmdlet(VerbsCommon.Add, "ClientCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredential))]
public sealed class AddClientCredentialCommand : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    /// <summary>The key whose public half (or certificate) is uploaded.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, HelpMessage = "The key to add (New-RotationKey or Import-RotationKey).")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>When the provider stops accepting the credential. Exclusive with -ParseExpiryFromCertificate.</summary>
    [Parameter]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Take the expiry from the key's certificate. Exclusive with -ExpiresAt.</summary>
    [Parameter]
    public SwitchParameter ParseExpiryFromCertificate { get; set; }

    [Parameter]
    public ClientCredentialType CredentialType { get; set; } = ClientCredentialType.PublicKey;

    /// <summary>Also attach the new credential to private_key_jwt, keeping the others.</summary>
    [Parameter]
    public SwitchParameter Attach { get; set; }

    protected override void ProcessRecord()
    {
        var credential = new NewClientCredential(Key)
        {
            Name = Name,
            Type = CredentialType,
            ExpiresAt = IsBound(nameof(ExpiresAt)) ? ExpiresAt : null,
            ParseExpiryFromCertificate = ParseExpiryFromCertificate.IsPresent,
        };
        if (TryAwait(ct => Manager.AddAsync(ClientId, credential, Attach.IsPresent, ct), ClientId, out ClientCredential? added) && added is not null)
        {
            WriteObject(added);
        }
    }
}
