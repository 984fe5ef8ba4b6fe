using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// A Dfns cmdlet: -Connection is a Dfns connection, default the session's last
/// Connect-DfnsOrganization; resolved in BeginProcessing (a terminating DfnsNotConnected when
/// there is none), before any pipeline item is read.
/// </summary>
public abstract class DfnsConnectedCmdlet : PsCredRotateCmdlet
{
    [Parameter(HelpMessage = "The Dfns connection; default: the session's last Connect-DfnsOrganization.")]
    [ValidateNotNull]
    public DfnsConnection? Connection { get; set; }

    /// <summary>The resolved connection (set in <see cref="BeginProcessing"/>).</summary>
    protected DfnsConnection Dfns { get; private set; } = null!;

    /// <summary>-Connection, else the session default; DfnsNotConnected when there is none.</summary>
    protected DfnsConnection ResolveConnection()
    {
        if (Connection is not null)
        {
            return Connection;
        }

        return SessionConnections.DefaultDfns ?? throw new PsCredRotateException(
            ErrorIds.DfnsNotConnected,
            ErrorKind.InvalidOperation,
            "There is no Dfns connection: run Connect-DfnsOrganization first, or pass -Connection.");
    }

    protected override void BeginProcessing()
    {
        try
        {
            Dfns = ResolveConnection();
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        OnConnected(Dfns);
    }

    /// <summary>Builds what the cmdlet works with against <paramref name="connection"/>.</summary>
    protected virtual void OnConnected(DfnsConnection connection)
    {
    }
}
