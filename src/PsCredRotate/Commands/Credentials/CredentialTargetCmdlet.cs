using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// The cmdlets that change one stored credential of one client (Enable, Disable, Set, Remove): the
/// client and the credential (id or kid), both bound by property name from Get-ClientCredential output.
/// </summary>
public abstract class CredentialTargetCmdlet : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential's id (cred_...) or kid.")]
    [Alias("Id", "Kid")]
    [ValidateNotNullOrEmpty]
    public string CredentialId { get; set; } = null!;

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Changing client credentials");

    /// <summary>Makes one change through the manager; with <paramref name="passThru"/> writes the credential as it is afterwards.</summary>
    protected void Change(Func<ClientCredentialManager, CancellationToken, Task<ClientCredential?>> change, bool passThru)
    {
        Progress.Next($"client '{ClientId}', credential '{CredentialId}'");
        if (TryAwait(ct => change(Manager, ct), CredentialId, out ClientCredential? credential) && credential is not null && passThru)
        {
            WriteObject(credential);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
