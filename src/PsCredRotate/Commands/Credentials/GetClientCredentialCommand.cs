using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>Get-ClientCredential: a client's credentials as the server reports them, or the one named by id or kid.</summary>
[Cmdlet(VerbsCommon.Get, "ClientCredential")]
[OutputType(typeof(ClientCredential))]
public sealed class GetClientCredentialCommand : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    /// <summary>The credential's id (cred_...) or kid; all credentials when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Kid")]
    [ValidateNotNullOrEmpty]
    public string? CredentialId { get; set; }

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Reading client credentials");

    protected override void ProcessRecord()
    {
        Progress.Next($"client '{ClientId}'");
        if (TryAwait(ct => Manager.GetAsync(ClientId, CredentialId, ct), ClientId, out IReadOnlyList<ClientCredential> credentials))
        {
            WriteObject(credentials, enumerateCollection: true);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
