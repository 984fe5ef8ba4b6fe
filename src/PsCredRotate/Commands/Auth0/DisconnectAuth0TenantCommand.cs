using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;

namespace PsCredRotate.Commands.Auth0;

/// <summary>
/// Disconnect-Auth0Tenant: closes a connection (the session default when -Connection is not
/// given) and forgets it as the default. Writes nothing.
/// </summary>
/// <remarks>No ShouldProcess: it changes nothing at the tenant; the cached token is dropped.</remarks>
[Cmdlet(VerbsCommunications.Disconnect, "Auth0Tenant")]
public sealed class DisconnectAuth0TenantCommand : Auth0ConnectedCmdlet
{
    protected override void EndProcessing()
    {
        Auth0Connection connection;
        try
        {
            connection = ResolveConnection();
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        SessionConnections.Forget(connection);
        WriteVerbose($"Disconnected from Auth0 tenant '{connection.Domain}'.");
        connection.Dispose();
    }
}
