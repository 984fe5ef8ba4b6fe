using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Oidc;

namespace PsCredRotate.Commands.Oidc;

/// <summary>
/// Disconnect-OidcClientRegistration: closes a connection (the session default when -Connection is
/// not given) and forgets it as the default. Writes nothing.
/// </summary>
/// <remarks>No ShouldProcess: it changes nothing at the provider; the token held in memory is dropped.</remarks>
[Cmdlet(VerbsCommunications.Disconnect, "OidcClientRegistration")]
public sealed class DisconnectOidcClientRegistrationCommand : PsCredRotateCmdlet
{
    [Parameter(HelpMessage = "The registration connection; default: the session's default.")]
    [ValidateNotNull]
    public OidcConnection? Connection { get; set; }

    protected override void EndProcessing()
    {
        OidcConnection connection;
        try
        {
            connection = ConnectionResolver.Resolve(Connection);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        SessionConnections.Forget(connection);
        WriteVerbose($"Disconnected from the registration of client '{connection.ClientId}'.");
        connection.Dispose();
    }
}
