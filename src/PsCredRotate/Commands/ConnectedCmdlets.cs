using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands;

/// <summary>The session default connection, or the NotConnected error.</summary>
internal static class ConnectionResolver
{
    public static T Resolve<T>(T? given)
        where T : class, IClientCredentialConnection
    {
        if (given is not null)
        {
            return given;
        }

        if (SessionConnections.Default is T connection)
        {
            return connection;
        }

        throw new PsCredRotateException(
            ErrorIds.NotConnected,
            ErrorKind.InvalidOperation,
            $"There is no {(typeof(T) == typeof(IClientCredentialConnection) ? "connection" : typeof(T).Name)}: run Connect-Auth0Tenant (an Auth0 tenant) or Connect-OidcClientRegistration (an OpenID client's RFC 7592 registration) first, or pass -Connection.");
    }
}

/// <summary>An Auth0-only cmdlet: -Connection is an Auth0 tenant, default the session's.</summary>
public abstract class Auth0ConnectedCmdlet : PsCredRotateCmdlet
{
    [Parameter(HelpMessage = "The tenant connection; default: the session's last Connect-Auth0Tenant.")]
    [ValidateNotNull]
    public Auth0Connection? Connection { get; set; }

    /// <summary>-Connection, else the session default; NotConnected when there is none.</summary>
    protected Auth0Connection ResolveConnection() => ConnectionResolver.Resolve(Connection);

    /// <summary>The resolved tenant (set in <see cref="BeginProcessing"/>).</summary>
    protected Auth0Connection Tenant { get; private set; } = null!;

    /// <summary>
    /// Resolves the connection before any item is read (a terminating NotConnected when there is
    /// none), then lets the cmdlet build what it works with on the pipeline thread.
    /// </summary>
    protected override void BeginProcessing()
    {
        try
        {
            Tenant = ResolveConnection();
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        OnConnected(Tenant);
    }

    /// <summary>Builds the cmdlet's Core objects against <paramref name="tenant"/> (the managers workers use).</summary>
    protected virtual void OnConnected(Auth0Connection tenant)
    {
    }
}

/// <summary>A provider-neutral credential cmdlet: -Connection is any connection with client credentials, default the session's.</summary>
public abstract class ClientCredentialCmdlet : PsCredRotateCmdlet
{
    private ClientCredentialManager? _manager;
    private ClientCredentialRotator? _rotator;

    [Parameter(HelpMessage = "An Auth0 tenant or OpenID client registration; default: the session's.")]
    [ValidateNotNull]
    public IClientCredentialConnection? Connection { get; set; }

    /// <summary>Single-credential operations against the resolved connection, asking this cmdlet (set in BeginProcessing).</summary>
    protected ClientCredentialManager Manager => _manager ?? throw new System.InvalidOperationException("BeginProcessing has not run.");

    /// <summary>The rotation engine against the resolved connection, asking this cmdlet (set in BeginProcessing).</summary>
    protected ClientCredentialRotator Rotator => _rotator ?? throw new System.InvalidOperationException("BeginProcessing has not run.");

    /// <summary>
    /// Resolves the connection (a terminating NotConnected when there is none) before any item is
    /// read, and builds the engine on the pipeline thread: workers only use what is built here.
    /// </summary>
    protected override void BeginProcessing()
    {
        IClientCredentialConnection connection;
        try
        {
            connection = ConnectionResolver.Resolve(Connection);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        _manager = new ClientCredentialManager(connection.CredentialProvider, RotationHost);
        _rotator = new ClientCredentialRotator(connection.CredentialProvider, RotationHost);
    }
}
