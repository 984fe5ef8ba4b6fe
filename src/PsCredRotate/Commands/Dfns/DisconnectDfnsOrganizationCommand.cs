using System.Management.Automation;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Disconnect-DfnsOrganization: closes a Dfns connection (the session default when -Connection is
/// not given) and forgets it as the default. Writes nothing.
/// </summary>
/// <remarks>No ShouldProcess: it changes nothing at Dfns; the token and key held in memory are dropped.</remarks>
[Cmdlet(VerbsCommunications.Disconnect, "DfnsOrganization")]
public sealed class DisconnectDfnsOrganizationCommand : DfnsConnectedCmdlet
{
    protected override void EndProcessing()
    {
        DfnsConnection connection = Dfns;
        SessionConnections.Forget(connection);
        WriteVerbose($"Disconnected from Dfns at '{connection.BaseUri}' (credential '{connection.CredentialId}').");
        connection.Dispose();
    }
}
